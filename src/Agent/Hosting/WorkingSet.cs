using System.Globalization;
using HaCluster.Agent.Net;

namespace HaCluster.Agent.Hosting;

/// <summary>
/// Hands back the pages of code and read-only data that only startup touched. Starting the host, the DI container,
/// parsing and rendering the config fault in most of the executable (a NativeAOT agent maps about 10 MiB of it), and
/// the kernel keeps those pages in the process's resident set for as long as it runs, though an idle agent executes a
/// small part of them. Clean, read-only, file-backed pages are the file's: dropping the mapping of them
/// (madvise MADV_DONTNEED) changes no content — a later access maps them again from the page cache, a minor fault —
/// which is the same thing the kernel may do to them at any time under memory pressure. Writable mappings and any
/// mapping holding a private copy (anonymous pages: relocations, RELRO) are never touched.
/// </summary>
public static class WorkingSet
{
    /// <summary>A mapping of /proc/self/smaps that may be dropped: its address range and resident size.</summary>
    public readonly record struct Mapping(ulong Start, ulong End, string Path, long ResidentKiB);

    /// <summary>Drops the clean read-only file mappings of this process; returns the resident KiB they held.</summary>
    public static long TrimFileMappings()
    {
        string smaps;
        try
        {
            smaps = File.ReadAllText("/proc/self/smaps");
        }
        catch (IOException)
        {
            return 0; // not Linux, or no procfs: nothing to trim
        }

        var trimmed = 0L;
        foreach (var mapping in Droppable(smaps))
        {
            if (LibC.Madvise((nint)mapping.Start, (nuint)(mapping.End - mapping.Start), LibC.MADV_DONTNEED) == 0)
            {
                trimmed += mapping.ResidentKiB;
            }
        }

        return trimmed;
    }

    /// <summary>
    /// The mappings of an smaps text that hold only clean file pages: private, backed by a regular file (an absolute
    /// path, not a device, memfd or deleted file), not writable, no anonymous (copied-on-write) pages, not locked,
    /// and resident at all.
    /// </summary>
    public static List<Mapping> Droppable(string smaps)
    {
        var droppable = new List<Mapping>();
        Mapping? current = null;
        var clean = false; // the mapping so far qualifies: private read-only regular file, no anonymous or locked pages
        foreach (var line in smaps.AsSpan().EnumerateLines())
        {
            if (IsHeader(line, out var start, out var end, out var perms, out var path))
            {
                Flush();
                current = new Mapping(start, end, path, 0);
                clean = perms is ['r', not 'w', _, 'p', ..]
                    && path.StartsWith('/') && !path.StartsWith("/dev/", StringComparison.Ordinal) && !path.StartsWith("/memfd:", StringComparison.Ordinal)
                    && !path.EndsWith(" (deleted)", StringComparison.Ordinal);
            }
            else if (current is { } mapping && Field(line, "Rss:") is { } rss)
            {
                current = mapping with { ResidentKiB = rss };
            }
            else if ((Field(line, "Anonymous:") ?? Field(line, "Locked:")) is > 0)
            {
                clean = false;
            }
        }

        Flush();
        return droppable;

        void Flush()
        {
            if (clean && current is { ResidentKiB: > 0 } done)
            {
                droppable.Add(done);
            }
        }
    }

    // "55f2c68a7000-55f2c6dc2000 r-xp 00014000 08:01 1234 /usr/bin/x": a range, then perms, offset, dev, inode, path.
    private static bool IsHeader(ReadOnlySpan<char> line, out ulong start, out ulong end, out string perms, out string path)
    {
        start = end = 0;
        perms = path = "";
        var dash = line.IndexOf('-');
        var space = line.IndexOf(' ');
        if (dash <= 0 || space <= dash
            || !ulong.TryParse(line[..dash], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out start)
            || !ulong.TryParse(line[(dash + 1)..space], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out end))
        {
            return false;
        }

        var rest = line[(space + 1)..];
        for (var field = 0; field < 4; field++) // perms, then offset, dev and inode, which are skipped
        {
            rest = rest.TrimStart(' ');
            var next = rest.IndexOf(' ');
            if (field == 0)
            {
                perms = (next < 0 ? rest : rest[..next]).ToString();
            }

            rest = next < 0 ? [] : rest[next..];
        }

        path = rest.Trim().ToString();
        return true;
    }

    private static long? Field(ReadOnlySpan<char> line, string name)
    {
        if (!line.StartsWith(name, StringComparison.Ordinal))
        {
            return null;
        }

        var value = line[name.Length..].Trim();
        if (value.EndsWith(" kB", StringComparison.Ordinal))
        {
            value = value[..^3];
        }

        return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var kib) ? kib : null;
    }
}
