using System.Collections.Immutable;

namespace HaCluster.Shared.Config;

/// <summary>
/// One file (with its includes) or text, read once into tokens, so it can be combined with others again later
/// without reading the disk: <see cref="KeepalivedConfigLoader.Load(IEnumerable{ConfigSource})"/>.
/// </summary>
public sealed class ConfigSource
{
    private ConfigSource(string name, List<ConfigToken> tokens, DiagnosticBag diagnostics)
    {
        Name = name;
        Tokens = tokens;
        ReadDiagnostics = diagnostics;
    }

    public string Name { get; }

    internal IReadOnlyList<ConfigToken> Tokens { get; }

    /// <summary>What went wrong reading it (missing file, include errors, bad tokens).</summary>
    internal DiagnosticBag ReadDiagnostics { get; }

    public static ConfigSource FromFile(string path)
    {
        var diagnostics = new DiagnosticBag();
        var tokens = ConfigSourceReader.ReadFile(path, diagnostics);
        return new ConfigSource(path, tokens, diagnostics);
    }

    /// <summary>Text from elsewhere, such as a config pushed by the controller: <c>include</c> is an error in it.</summary>
    public static ConfigSource FromText(string text, string name)
    {
        var diagnostics = new DiagnosticBag();
        var tokens = ConfigSourceReader.ReadText(text, name, diagnostics, allowIncludes: false);
        return new ConfigSource(name, tokens, diagnostics);
    }
}
