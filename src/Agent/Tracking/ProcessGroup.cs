using System.Runtime.InteropServices;

namespace HaCluster.Agent.Tracking;

/// <summary>
/// A script's process group (it runs under <c>setsid</c>, so its group is its pid): killed whole at a timeout, as
/// keepalived does, and waited for until nothing of it is left — the shell's own children included (dash forks).
/// </summary>
internal static partial class ProcessGroup
{
    private const int SIGKILL = 9;

    public static void Kill(int leader) => SignalGroup(-leader, SIGKILL);

    /// <summary>Whether any process of the group still exists (a zombie not yet reaped counts).</summary>
    public static bool Alive(int leader) => SignalGroup(-leader, 0) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SignalGroup(int pid, int signal);
}
