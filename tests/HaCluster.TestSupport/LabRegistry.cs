using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace HaCluster.TestSupport;

/// <summary>Lab ids, their owner markers, and removal of what crashed runs left behind.</summary>
/// <remarks>
/// Each lab writes <c>/run/hacluster-lab/{id}</c> holding its owner's pid and start time before creating any namespace,
/// so a cleanup only removes labs whose owner is gone, never those of another test run going on at the same time.
/// </remarks>
internal static partial class LabRegistry
{
    public const string Prefix = "hc";

    private static readonly string MarkerDirectory = Directory.Exists("/run") ? "/run/hacluster-lab" : Path.Combine(Path.GetTempPath(), "hacluster-lab-markers");
    private const int ArtifactsKept = 200;
    private static readonly TimeSpan ArtifactRetention = TimeSpan.FromDays(2);
    private static readonly SemaphoreSlim CleanupOnce = new(1, 1);
    private static bool cleanedUp;

    public static string ArtifactRoot =>
        Environment.GetEnvironmentVariable("HACLUSTER_LAB_ARTIFACTS") is { Length: > 0 } dir
            ? dir
            : Path.Combine(Path.GetTempPath(), "hacluster-lab");

    /// <summary>Namespaces of labs: <c>hc</c> + 5 hex digits + <c>br</c>, <c>c</c> or <c>n</c> and a number. Nothing else matches.</summary>
    [GeneratedRegex("^hc(?<id>[0-9a-f]{5})(?:br|c|n[0-9]{1,3})$", RegexOptions.CultureInvariant)]
    public static partial Regex LabNamespace();

    /// <summary>Work dirs: UTC timestamp and lab id. Nothing else in the artifact root is ever deleted.</summary>
    [GeneratedRegex("^[0-9]{8}-[0-9]{6}-[0-9a-f]{5}$", RegexOptions.CultureInvariant)]
    private static partial Regex ArtifactDirectory();

    public static string Reserve(IReadOnlyCollection<string> existingNamespaces)
    {
        Directory.CreateDirectory(MarkerDirectory);
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))[..5];
            if (existingNamespaces.Any(ns => ns.StartsWith(Prefix + id, StringComparison.Ordinal)))
                continue;
            try
            {
                using var marker = new FileStream(MarkerPath(id), FileMode.CreateNew, FileAccess.Write);
                using var writer = new StreamWriter(marker);
                writer.Write($"{Environment.ProcessId} {StartTime(Environment.ProcessId)}");
                return id;
            }
            catch (IOException) when (File.Exists(MarkerPath(id)))
            {
                // Taken by a concurrent run: try another id.
            }
        }
        throw new InvalidOperationException("no free lab id after 100 attempts");
    }

    public static void Release(string id) => File.Delete(MarkerPath(id));

    public static async Task CleanupOnceAsync()
    {
        await CleanupOnce.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!cleanedUp)
                await CleanupStaleAsync().ConfigureAwait(false);
            cleanedUp = true;
        }
        finally
        {
            CleanupOnce.Release();
        }
    }

    /// <summary>Deletes the namespaces of labs whose owning process is gone, and artifacts older than two days.</summary>
    public static async Task<int> CleanupStaleAsync()
    {
        var stale = (await ListNamespacesAsync().ConfigureAwait(false))
            .Select(ns => (ns, match: LabNamespace().Match(ns)))
            .Where(x => x.match.Success && !IsOwnerAlive(x.match.Groups["id"].Value))
            .ToList();
        foreach (var (ns, _) in stale)
            await DeleteNamespaceAsync(ns).ConfigureAwait(false);
        foreach (var marker in Directory.Exists(MarkerDirectory) ? Directory.GetFiles(MarkerDirectory) : [])
        {
            if (!IsOwnerAlive(Path.GetFileName(marker)))
                File.Delete(marker);
        }
        PruneArtifacts();
        return stale.Count;
    }

    public static async Task<IReadOnlyList<string>> ListNamespacesAsync()
    {
        var result = await Cmd.RunAsync("ip", "netns", "list").ConfigureAwait(false);
        // Lines read "name" or "name (id: 3)".
        return result.EnsureSuccess().Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' ')[0])
            .ToList();
    }

    /// <summary>SIGKILLs whatever still runs in <paramref name="ns"/>, then deletes it (which also removes its veths).</summary>
    public static async Task<CommandResult> DeleteNamespaceAsync(string ns)
    {
        var pids = await Cmd.RunAsync("ip", "netns", "pids", ns).ConfigureAwait(false);
        foreach (var pid in pids.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (int.TryParse(pid, out var p) && p != Environment.ProcessId)
                Native.Kill(p, Signals.Kill);
        }
        return await Cmd.RunAsync("ip", "netns", "del", ns).ConfigureAwait(false);
    }

    private static string MarkerPath(string id) => Path.Combine(MarkerDirectory, id);

    private static bool IsOwnerAlive(string id)
    {
        try
        {
            var parts = File.ReadAllText(MarkerPath(id)).Split(' ');
            return parts.Length == 2 && int.TryParse(parts[0], out var pid) && StartTime(pid) == parts[1];
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Field 22 of /proc/PID/stat: tells a live owner from a recycled pid.</summary>
    private static string StartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields[19];
        }
        catch (IOException)
        {
            return "gone";
        }
    }

    /// <summary>Keeps the newest <see cref="ArtifactsKept"/> work dirs younger than two days, and every live lab's.</summary>
    private static void PruneArtifacts()
    {
        if (!Directory.Exists(ArtifactRoot))
            return;
        // Names start with a UTC timestamp, so ordinal order is age order; the lab id follows the last '-'.
        var newestFirst = Directory.GetDirectories(ArtifactRoot)
            .Where(dir => ArtifactDirectory().IsMatch(Path.GetFileName(dir)))
            .OrderDescending(StringComparer.Ordinal)
            .ToList();
        for (var i = 0; i < newestFirst.Count; i++)
        {
            var dir = newestFirst[i];
            var tooMany = i >= ArtifactsKept;
            var tooOld = DateTime.UtcNow - Directory.GetLastWriteTimeUtc(dir) > ArtifactRetention;
            if ((tooMany || tooOld) && !IsOwnerAlive(dir[(dir.LastIndexOf('-') + 1)..]))
                Directory.Delete(dir, recursive: true);
        }
    }
}
