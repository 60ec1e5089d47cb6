namespace HaCluster.Shared.Config;

/// <summary>
/// Reads the main file and splices in <c>include</c>d files at the token level, as keepalived does,
/// so an include may appear at top level or inside a block.
/// </summary>
internal sealed class ConfigSourceReader
{
    private readonly DiagnosticBag _diagnostics;
    private readonly List<ConfigToken> _tokens = [];
    private readonly List<string> _chain = [];
    private readonly bool _allowIncludes;
    // The load's budget (ConfigLimits), spent across all includes; once over, nothing more is read.
    private long _bytes;
    private int _files;
    private bool _exhausted;

    private ConfigSourceReader(DiagnosticBag diagnostics, bool allowIncludes = true) =>
        (_diagnostics, _allowIncludes) = (diagnostics, allowIncludes);

    public static List<ConfigToken> ReadFile(string path, DiagnosticBag diagnostics)
    {
        var reader = new ConfigSourceReader(diagnostics);
        var at = new SourceLocation(path, 0);
        if (reader.TryRead(path, at, out var text, out var fullPath))
        {
            reader.AddText(text, path, fullPath);
        }

        return reader._tokens;
    }

    /// <param name="allowIncludes">False for text from elsewhere (a pushed config): it may not read local files.</param>
    public static List<ConfigToken> ReadText(string text, string fileName, DiagnosticBag diagnostics, bool allowIncludes = true)
    {
        var reader = new ConfigSourceReader(diagnostics, allowIncludes);
        reader.AddText(text, fileName, TryGetFullPath(fileName) ?? fileName);
        return reader._tokens;
    }

    private void AddText(string text, string displayName, string fullPath)
    {
        _chain.Add(fullPath);
        var baseDirectory = Path.GetDirectoryName(fullPath) ?? "/";
        // Lexed within what is left of the budget now; the includes among these lines spend from it too, so each line
        // is checked against it again as it is added (the lexer may also hand back the one line that crossed it).
        var lines = ConfigLexer.TokenizeLines(text, displayName, _diagnostics, Math.Max(0, ConfigLimits.MaxTokens - _tokens.Count));
        foreach (var line in lines)
        {
            if (_exhausted)
            {
                break;
            }

            if (_tokens.Count + line.Length > ConfigLimits.MaxTokens)
            {
                Exhaust(line.Length > 0 ? line[0].Location : new SourceLocation(displayName, 1), $"more than {ConfigLimits.MaxTokens:N0} words and braces");
                break;
            }

            var include = Array.FindIndex(line, t => t.Kind == TokenKind.Word);
            if (include >= 0 && line[include].IsWord("include"))
            {
                AddIncludeLine(line, include, baseDirectory);
            }
            else
            {
                _tokens.AddRange(line);
            }
        }

        _chain.RemoveAt(_chain.Count - 1);
    }

    private void AddIncludeLine(ConfigToken[] line, int include, string baseDirectory)
    {
        _tokens.AddRange(line.Take(include));
        var end = include + 1;
        while (end < line.Length && line[end].Kind == TokenKind.Word)
        {
            end++;
        }

        var args = line[(include + 1)..end];
        var at = line[include].Location;
        if (!_allowIncludes)
        {
            _diagnostics.Error(at, "'include' is not allowed here: this config may not read files of this host");
        }
        else if (args.Length == 0)
        {
            _diagnostics.Error(at, "'include' requires a file name or pattern");
        }
        else
        {
            if (args.Length > 1)
            {
                _diagnostics.Warning(at, $"'include': extra arguments ignored: {string.Join(' ', args.Skip(1).Select(a => a.Text))}");
            }

            Include(args[0].Text, baseDirectory, at);
        }

        _tokens.AddRange(line.Skip(end));
    }

    private void Include(string pattern, string baseDirectory, SourceLocation at)
    {
        List<string> matches;
        try
        {
            matches = ConfigGlob.Expand(pattern, baseDirectory);
        }
        catch (Exception e) when (IsFileSystemError(e))
        {
            _diagnostics.Error(at, $"include '{pattern}': {e.Message}");
            return;
        }

        if (matches.Count == 0 && !ConfigGlob.HasWildcard(pattern) && Directory.Exists(Path.Combine(baseDirectory, pattern)))
        {
            _diagnostics.Error(at, $"include '{pattern}': it is a directory, not a regular file");
            return;
        }

        if (matches.Count == 0)
        {
            // An error, not keepalived's silence: "configuration OK (0 instance(s))" for a mistyped path hides a whole cluster.
            _diagnostics.Error(at, pattern.AsSpan().IndexOfAny('*', '?', '[') >= 0
                ? $"include '{pattern}' matched no files"
                : $"include '{pattern}': no such file");
        }

        foreach (var path in matches)
        {
            IncludeFile(path, at);
        }
    }

    private void IncludeFile(string path, SourceLocation at)
    {
        if (_exhausted)
        {
            return;
        }

        if (_chain.Contains(path))
        {
            _diagnostics.Error(at, $"include cycle: '{path}' is already being read ({string.Join(" -> ", _chain)})");
        }
        else if (_chain.Count > ConfigLimits.MaxIncludeDepth)
        {
            _diagnostics.Error(at, $"include '{path}': includes nested deeper than {ConfigLimits.MaxIncludeDepth} levels ({string.Join(" -> ", _chain)})");
        }
        else if (++_files > ConfigLimits.MaxFiles)
        {
            Exhaust(at, $"more than {ConfigLimits.MaxFiles} files");
        }
        else if (TryRead(path, at, out var text, out var fullPath))
        {
            AddText(text, path, fullPath);
        }
    }

    private bool TryRead(string path, SourceLocation at, out string text, out string fullPath)
    {
        text = "";
        fullPath = path;
        try
        {
            fullPath = Path.GetFullPath(path);
            if (!File.Exists(fullPath) && !Directory.Exists(fullPath))
            {
                _diagnostics.Error(at, $"cannot read '{path}': file not found");
                return false;
            }

            var left = ConfigLimits.MaxTotalBytes - _bytes;
            if (ConfigFile.Read(fullPath, Math.Min(ConfigLimits.MaxFileBytes, left), out var error) is not { } read)
            {
                if (error is not null && error.StartsWith("larger than", StringComparison.Ordinal) && left < ConfigLimits.MaxFileBytes)
                {
                    Exhaust(at, $"more than {ConfigFile.Size(ConfigLimits.MaxTotalBytes)} in all (reading '{path}')");
                }
                else
                {
                    _diagnostics.Error(at, $"cannot read '{path}': {error}");
                }

                return false;
            }

            _bytes += System.Text.Encoding.UTF8.GetByteCount(read);
            text = read;
            return true;
        }
        catch (Exception e) when (IsFileSystemError(e))
        {
            _diagnostics.Error(at, $"cannot read '{path}': {e.Message}");
            return false;
        }
    }

    /// <summary>The load's budget is spent: one error naming what and the include chain, and nothing more is read.</summary>
    private void Exhaust(SourceLocation at, string what)
    {
        if (!_exhausted)
        {
            _exhausted = true;
            var chain = _chain.Count > 1 ? $" (include chain: {string.Join(" -> ", _chain)})" : "";
            _diagnostics.Error(at, $"config too large: {what}; a config may have at most {ConfigFile.Size(ConfigLimits.MaxFileBytes)} per file, "
                + $"{ConfigFile.Size(ConfigLimits.MaxTotalBytes)} and {ConfigLimits.MaxFiles} files in all, {ConfigLimits.MaxTokens:N0} words and braces{chain}");
        }
    }

    private static string? TryGetFullPath(string path)
    {
        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception e) when (IsFileSystemError(e))
        {
            return null;
        }
    }

    private static bool IsFileSystemError(Exception e) =>
        e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException
            or System.Security.SecurityException;
}
