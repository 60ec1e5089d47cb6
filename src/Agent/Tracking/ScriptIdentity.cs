using System.Runtime.InteropServices;
using HaCluster.Agent.Net;

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
        error = null;
        if (Lookup(user, isGroup: false, out var uid, out var primaryGid, ref error) is false)
        {
            error ??= $"no such user '{user}'";
            return null;
        }

        var gid = primaryGid;
        if (group is not null && Lookup(group, isGroup: true, out gid, out _, ref error) is false)
        {
            error ??= $"no such group '{group}'";
            return null;
        }

        return new ScriptIdentity(user, uid, gid);
    }

    /// <summary>True when found, false when there is none (<paramref name="error"/> set if the lookup itself failed).</summary>
    private static bool Lookup(string name, bool isGroup, out uint id, out uint primaryGid, ref string? error)
    {
        (id, primaryGid) = (0, 0);
        for (var size = 16 * 1024; size <= MaxBuffer; size *= 2)
        {
            var buffer = new byte[size];
            int status;
            nint found;
            if (isGroup)
            {
                status = LibC.GetGroupByName(name, out var entry, buffer, (nuint)buffer.Length, out found);
                id = entry.Gid;
            }
            else
            {
                status = LibC.GetPasswdByName(name, out var entry, buffer, (nuint)buffer.Length, out found);
                (id, primaryGid) = (entry.Uid, entry.Gid);
            }

            if (status == LibC.ERANGE)
            {
                continue;
            }

            if (status != 0)
            {
                error = $"cannot look up {(isGroup ? "group" : "user")} '{name}': {Marshal.GetPInvokeErrorMessage(status)}";
                return false;
            }

            return found != 0;
        }

        error = $"cannot look up {(isGroup ? "group" : "user")} '{name}': its entry is larger than {MaxBuffer} bytes";
        return false;
    }
}
