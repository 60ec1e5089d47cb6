using System.Runtime.InteropServices;
using HaCluster.Shared.Config;

namespace HaCluster.Agent.Tracking;

/// <summary>
/// keepalived's <c>enable_script_security</c>: a script (vrrp_script, notify*) whose file, or any directory above it, a
/// non-root user could change is refused — an error at its file:line naming the path and why, so the config is not run.
/// The script is the command's first word, looked up on PATH when it is not absolute; links are followed.
/// </summary>
public static partial class ScriptSecurity
{
    public static IEnumerable<ConfigDiagnostic> Check(KeepalivedConfig config)
    {
        if (!config.Global.EnableScriptSecurity)
        {
            yield break;
        }

        foreach (var script in config.Scripts)
        {
            if (Problem(script.Script) is { } problem)
            {
                yield return Refused(script.Location, $"vrrp_script {script.Name}", problem);
            }
        }

        foreach (var (location, owner, notify) in config.Instances.Select(i => (i.Location, $"vrrp_instance {i.Name}", i.Notify))
                     .Concat(config.SyncGroups.Select(g => (g.Location, $"vrrp_sync_group {g.Name}", g.Notify))))
        {
            foreach (var (keyword, script) in notify.Lines())
            {
                if (Problem(script.Command) is { } problem)
                {
                    yield return Refused(location, $"{owner} {keyword}", problem);
                }
            }
        }
    }

    /// <summary>Null when only root can change the script; else why not.</summary>
    public static string? Problem(string command)
    {
        var word = command.TrimStart().Split([' ', '\t'], 2)[0];
        var path = word.StartsWith('/') ? word : Resolve(word);
        if (path is null)
        {
            return $"'{word}' is not found on PATH";
        }

        for (var current = path; current is not null; current = Path.GetDirectoryName(current))
        {
            if (!TryStat(current, out var uid, out var gid, out var mode))
            {
                return $"'{current}' cannot be read ({Marshal.GetLastPInvokeErrorMessage()})";
            }

            if (uid != 0)
            {
                return $"'{current}' is owned by uid {uid}, not root";
            }

            // A sticky directory (/tmp) lets nobody rename or remove root's entries in it.
            var sticky = current != path && (mode & 0b001_000_000_000) != 0;
            if ((mode & 0b000_000_010) != 0 && !sticky)
            {
                return $"'{current}' is writable by others";
            }

            if ((mode & 0b000_010_000) != 0 && gid != 0 && !sticky)
            {
                return $"'{current}' is writable by its group (gid {gid})";
            }
        }

        return null;
    }

    private static ConfigDiagnostic Refused(SourceLocation location, string what, string problem) =>
        new(location, DiagnosticSeverity.Error, $"{what}: {problem}: refused by enable_script_security (only root may be able to change a script)");

    private static string? Resolve(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    /// <summary>statx(2): its layout is the same on every architecture (stx_uid at 20, stx_gid at 24, stx_mode at 28).</summary>
    private static unsafe bool TryStat(string path, out uint uid, out uint gid, out uint mode)
    {
        const int AtFdCwd = -100;
        const uint BasicStats = 0x7ff;
        var buffer = stackalloc byte[256];
        var ok = Statx(AtFdCwd, path, 0, BasicStats, buffer) == 0;
        uid = ok ? *(uint*)(buffer + 20) : 0;
        gid = ok ? *(uint*)(buffer + 24) : 0;
        mode = ok ? *(ushort*)(buffer + 28) : 0u;
        return ok;
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);
}
