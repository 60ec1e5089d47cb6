namespace HaCluster.Shared.Config;

/// <summary>
/// glob(3)-like expansion with '*' and '?' in any path segment. Like glob, a wildcard never matches a
/// leading '.', and matches are returned in byte order.
/// </summary>
internal static class ConfigGlob
{
    private const int MaxMatches = 1024;

    public static bool HasWildcard(string pattern) => pattern.AsSpan().IndexOfAny('*', '?') >= 0;

    /// <summary>Returns the files matching <paramref name="pattern"/>; relative patterns start at <paramref name="baseDirectory"/>.</summary>
    public static List<string> Expand(string pattern, string baseDirectory)
    {
        var full = Path.GetFullPath(Path.Combine(baseDirectory, pattern));
        if (!HasWildcard(full))
        {
            return File.Exists(full) ? [full] : [];
        }

        List<string> current = ["/"];
        var segments = full.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < segments.Length && current.Count > 0; i++)
        {
            var last = i == segments.Length - 1;
            current = [.. current.SelectMany(dir => Step(dir, segments[i], last)).Take(MaxMatches)];
        }

        current.Sort(string.CompareOrdinal);
        return current;
    }

    private static IEnumerable<string> Step(string directory, string segment, bool last)
    {
        if (!HasWildcard(segment))
        {
            var path = Path.Combine(directory, segment);
            return (last ? File.Exists(path) : Directory.Exists(path)) ? [path] : [];
        }

        var options = new EnumerationOptions { IgnoreInaccessible = true, AttributesToSkip = 0 };
        var entries = last
            ? Directory.EnumerateFiles(directory, "*", options)
            : Directory.EnumerateDirectories(directory, "*", options);
        return entries.Where(e => Matches(segment, Path.GetFileName(e))).ToList();
    }

    internal static bool Matches(string pattern, string name)
    {
        if (name.StartsWith('.') && !pattern.StartsWith('.'))
        {
            return false;
        }

        int p = 0, n = 0, starP = -1, starN = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == name[n]))
            {
                p++;
                n++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                starP = p++;
                starN = n;
            }
            else if (starP >= 0)
            {
                p = starP + 1;
                n = ++starN;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
