namespace HaCluster.TestSupport;

/// <summary>Kills a process and its descendants, children first.</summary>
/// <remarks>
/// Children of a killed parent may get PR_SET_PDEATHSIG (keepalived's VRRP child does) and start a graceful
/// shutdown: removing VIPs, sending priority 0. Killing the children first makes a kill look like a crash.
/// </remarks>
internal static class ProcessTree
{
    public static void KillAll(int root)
    {
        // Stopped processes fork no more while we look for their children.
        Native.Kill(root, Signals.Stop);
        var descendants = StopDescendants(root);
        foreach (var pid in Enumerable.Reverse(descendants))
            Native.Kill(pid, Signals.Kill);
        Native.Kill(root, Signals.Kill);
    }

    /// <summary>Descendants in breadth-first order, each SIGSTOPped as it is found.</summary>
    private static List<int> StopDescendants(int root)
    {
        var children = ParentMap().ToLookup(p => p.Parent, p => p.Pid);
        var found = new List<int>();
        var queue = new Queue<int>([root]);
        while (queue.TryDequeue(out var parent))
        {
            foreach (var child in children[parent])
            {
                Native.Kill(child, Signals.Stop);
                found.Add(child);
                queue.Enqueue(child);
            }
        }
        return found;
    }

    private static IEnumerable<(int Pid, int Parent)> ParentMap()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
                continue;
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue; // exited while we looked
            }
            // "pid (comm) state ppid ...": comm may contain spaces and parentheses, so parse after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (int.TryParse(fields[1], out var parent))
                yield return (pid, parent);
        }
    }
}
