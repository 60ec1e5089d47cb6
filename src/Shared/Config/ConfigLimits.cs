namespace HaCluster.Shared.Config;

/// <summary>
/// What one load may read, across the main file and all its includes: a config is text an operator wrote, and
/// anything bigger is a mistake or an attack (<c>include /dev/zero</c>, an include bomb, a generated million tokens)
/// that must be refused with a clear message before it takes the agent's memory. Thousands of instances fit well inside.
/// </summary>
public static class ConfigLimits
{
    /// <summary>Bytes of one file.</summary>
    public const long MaxFileBytes = 2 * 1024 * 1024;

    /// <summary>Bytes of all files read by one load.</summary>
    public const long MaxTotalBytes = 8 * 1024 * 1024;

    /// <summary>Files read by one load (every include match counts).</summary>
    public const int MaxFiles = 256;

    /// <summary>Tokens (words and braces) of one load.</summary>
    public const int MaxTokens = 250_000;

    /// <summary>Includes within includes.</summary>
    public const int MaxIncludeDepth = 8;

    /// <summary>Blocks within blocks (keepalived's deepest is 3).</summary>
    public const int MaxNesting = 16;

    /// <summary>Diagnostics reported one by one; the rest are counted in one last line.</summary>
    public const int MaxDiagnostics = 100;
}
