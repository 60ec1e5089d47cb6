namespace HaCluster.Controller.Extensions;

internal static class ControllerHost
{
    /// <summary>
    /// Reads appsettings.json from beside the binary, so the defaults (127.0.0.1:5080) hold whatever directory a
    /// service manager starts it in; <c>--contentRoot</c> or ASPNETCORE_CONTENTROOT still win.
    /// </summary>
    public static WebApplicationOptions Options(string[] args) =>
        args.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase))
        || Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT") is { Length: > 0 }
            ? new WebApplicationOptions { Args = args }
            : new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory };
}
