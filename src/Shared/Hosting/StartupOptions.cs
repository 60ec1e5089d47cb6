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
        catch (AggregateException e) when (e.InnerExceptions.All(i => i is OptionsValidationException))
        {
            // Several options failed (one option read by another's validator fails twice): each failure once.
            return string.Join("; ", e.InnerExceptions.Cast<OptionsValidationException>().SelectMany(i => i.Failures).Distinct());
        }
    }
}
