namespace HaCluster.Shared.Hosting;

/// <summary>Where the controller and the dashboard read their appsettings.json from.</summary>
public static class ContentRoot
{
    /// <summary>
    /// Beside the binary, so the shipped defaults (loopback endpoints) hold whatever directory a service manager starts
    /// it in; null when <c>--contentRoot</c> or ASPNETCORE_CONTENTROOT says otherwise (then that wins).
    /// </summary>
    public static string? Default(IReadOnlyList<string> args) =>
        args.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase))
        || Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT") is { Length: > 0 }
            ? null
            : AppContext.BaseDirectory;
}
