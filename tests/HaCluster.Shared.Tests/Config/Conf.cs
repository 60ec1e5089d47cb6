using HaCluster.Shared.Config;

namespace HaCluster.Shared.Tests.Config;

/// <summary>Small helpers so each test reads as config text plus the one diagnostic it expects.</summary>
internal static class Conf
{
    public const string File = "test.conf";

    public static ConfigLoadResult Parse(string text) => KeepalivedConfigLoader.Parse(text, File);

    public static string AssetPath(string name) => Path.Combine(AppContext.BaseDirectory, "Assets", name);

    /// <summary>A valid instance whose opening line is the first line of the returned text.</summary>
    public static string Instance(string name = "VI_1", int vrid = 51, string body = "", string iface = "eth0") =>
        $"vrrp_instance {name} {{\n    interface {iface}\n    virtual_router_id {vrid}\n{body}\n}}\n";

    public static VrrpInstanceConfig SingleInstance(string body)
    {
        var result = Parse(Instance(body: body));
        NoErrors(result);
        return Assert.Single(result.Config.Instances);
    }

    public static void NoErrors(ConfigLoadResult result) =>
        Assert.False(result.HasErrors, $"unexpected errors:\n{Dump(result)}");

    public static ConfigDiagnostic HasError(ConfigLoadResult result, int line, string fragment) =>
        Has(result, DiagnosticSeverity.Error, line, fragment);

    public static ConfigDiagnostic HasWarning(ConfigLoadResult result, int line, string fragment) =>
        Has(result, DiagnosticSeverity.Warning, line, fragment);

    public static void NoWarnings(ConfigLoadResult result) =>
        Assert.False(result.Warnings.Any(), $"unexpected warnings:\n{Dump(result)}");

    private static ConfigDiagnostic Has(ConfigLoadResult result, DiagnosticSeverity severity, int line, string fragment)
    {
        var match = result.Diagnostics.FirstOrDefault(d =>
            d.Severity == severity && d.Location.Line == line && d.Message.Contains(fragment, StringComparison.Ordinal));
        Assert.True(match is not null, $"expected {severity} at line {line} containing '{fragment}', got:\n{Dump(result)}");
        return match!;
    }

    private static string Dump(ConfigLoadResult result) =>
        result.Diagnostics.IsEmpty ? "(no diagnostics)" : string.Join('\n', result.Diagnostics);
}
