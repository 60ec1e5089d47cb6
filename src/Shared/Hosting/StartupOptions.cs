using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HaCluster.Shared.Hosting;

/// <summary>The options validated at start (<c>ValidateOnStart</c>), checked before anything else runs.</summary>
public static class StartupOptions
{
    /// <summary>Null when every option is valid; else every problem in one line, for "not started: …".</summary>
    public static string? Problem(IServiceProvider services)
    {
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
            return null;
        }
        catch (OptionsValidationException e)
        {
            return string.Join("; ", e.Failures);
        }
    }
}
