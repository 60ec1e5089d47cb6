namespace HaCluster.Shared.Config;

/// <summary>
/// Loads keepalived.conf (keepalived.conf(5) syntax) into <see cref="KeepalivedConfig"/>. Never throws on
/// bad input: every problem becomes a <see cref="ConfigDiagnostic"/> with its file and line.
/// </summary>
public static class KeepalivedConfigLoader
{
    /// <summary>Reads <paramref name="path"/> and its includes; a missing file is an error diagnostic at line 0.</summary>
    public static ConfigLoadResult Load(string path)
    {
        var diagnostics = new DiagnosticBag();
        var tokens = ConfigSourceReader.ReadFile(path, diagnostics);
        return Finish(tokens, diagnostics);
    }

    /// <summary>Parses <paramref name="text"/>; relative includes resolve against the directory of <paramref name="fileName"/>.</summary>
    public static ConfigLoadResult Parse(string text, string fileName = "keepalived.conf")
    {
        var diagnostics = new DiagnosticBag();
        var tokens = ConfigSourceReader.ReadText(text, fileName, diagnostics);
        return Finish(tokens, diagnostics);
    }

    /// <summary>
    /// Loads several sources as one file, in order: e.g. the host's own keepalived.conf and the config the controller
    /// pushed. Every check spans all of them (a VRID or VIP clash between the two is reported, with each side's file:line).
    /// </summary>
    public static ConfigLoadResult Load(IEnumerable<ConfigSource> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var diagnostics = new DiagnosticBag();
        var tokens = new List<ConfigToken>();
        foreach (var source in sources)
        {
            diagnostics.AddFrom(source.ReadDiagnostics);
            tokens.AddRange(source.Tokens);
        }

        return Finish(tokens, diagnostics);
    }

    private static ConfigLoadResult Finish(List<ConfigToken> tokens, DiagnosticBag diagnostics)
    {
        var statements = ConfigTreeBuilder.Build(tokens, diagnostics);
        var mapped = ConfigMapper.Map(statements, diagnostics);
        ConfigValidator.Validate(mapped.Config.Global, mapped.AllInstances, diagnostics);
        TrackingValidator.Validate(mapped, diagnostics);
        return new ConfigLoadResult(mapped.Config, diagnostics.ToImmutable());
    }
}
