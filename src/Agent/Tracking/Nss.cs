using System.Runtime.InteropServices;

namespace HaCluster.Agent.Tracking;

/// <summary>The user and group database through libc, and so through NSS (LDAP or sssd users too), as keepalived looks up a script's user.</summary>
internal static partial class Nss
{
    public const int ERANGE = 34;

    /// <summary>glibc's struct passwd (x86_64 and aarch64 layout).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Passwd
    {
        public nint Name;
        public nint Password;
        public uint Uid;
        public uint Gid;
        public nint Gecos;
        public nint Dir;
        public nint Shell;
    }

    /// <summary>glibc's struct group.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Group
    {
        public nint Name;
        public nint Password;
        public uint Gid;
        public nint Members;
    }

    /// <summary>0 and <paramref name="result"/> set when found, 0 and null when there is no such user, else an errno.</summary>
    [LibraryImport("libc", EntryPoint = "getpwnam_r", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int GetPasswdByName(string name, out Passwd entry, Span<byte> buffer, nuint length, out nint result);

    [LibraryImport("libc", EntryPoint = "getgrnam_r", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int GetGroupByName(string name, out Group entry, Span<byte> buffer, nuint length, out nint result);
}
