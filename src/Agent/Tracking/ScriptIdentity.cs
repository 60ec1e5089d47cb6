using System.Runtime.InteropServices;

namespace HaCluster.Agent.Tracking;

/// <summary>
/// Who a script runs as: keepalived's <c>user USER [GROUP]</c> (or global_defs <c>script_user</c>), resolved through the
/// system's user database (NSS, so LDAP or sssd users too). Without a group, the user's primary group — as keepalived
/// does; never root's group by accident.
/// </summary>
public sealed record ScriptIdentity(string User, uint Uid, uint Gid)
{
    private const int MaxBuffer = 1 << 20;

    /// <summary>The identity, or null and what is wrong (no such user or group, or the lookup failed).</summary>
    public static ScriptIdentity? Resolve(string user, string? group, out string? error)
    {
        error = Lookup("user", user, GetPasswd, out var uid, out var gid);
        if (error is null && group is not null)
        {
            error = Lookup("group", group, GetGroup, out gid, out _);
        }

        return error is null ? new ScriptIdentity(user, uid, gid) : null;
    }

    /// <summary>One getpwnam_r or getgrnam_r call: its status (0 or an errno), whether found, the id and the primary gid.</summary>
    private delegate int Call(string name, byte[] buffer, out bool found, out uint id, out uint gid);

    private static int GetPasswd(string name, byte[] buffer, out bool found, out uint id, out uint gid)
    {
        var status = Nss.GetPasswdByName(name, out var entry, buffer, (nuint)buffer.Length, out var result);
        (found, id, gid) = (result != 0, entry.Uid, entry.Gid);
        return status;
    }

    private static int GetGroup(string name, byte[] buffer, out bool found, out uint id, out uint gid)
    {
        var status = Nss.GetGroupByName(name, out var entry, buffer, (nuint)buffer.Length, out var result);
        (found, id, gid) = (result != 0, entry.Gid, entry.Gid);
        return status;
    }

    /// <summary>Null when <paramref name="name"/> was found; else what is wrong. Retries with a larger buffer on ERANGE.</summary>
    private static string? Lookup(string kind, string name, Call call, out uint id, out uint gid)
    {
        for (var size = 16 * 1024; size <= MaxBuffer; size *= 2)
        {
            var status = call(name, new byte[size], out var found, out id, out gid);
            if (status == Nss.ERANGE)
            {
                continue;
            }

            return status != 0 ? $"cannot look up {kind} '{name}': {Marshal.GetPInvokeErrorMessage(status)}"
                : found ? null
                : $"no such {kind} '{name}'";
        }

        (id, gid) = (0, 0);
        return $"cannot look up {kind} '{name}': its entry is larger than {MaxBuffer} bytes";
    }
}
