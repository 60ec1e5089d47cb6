using System.Runtime.InteropServices;

namespace HaCluster.Agent.Net;

/// <summary>The few libc calls .NET does not expose: raw sockets of protocols it refuses, netlink and AF_PACKET, madvise,
/// and the user and group database (through NSS, as keepalived looks up a script's user).</summary>
internal static partial class LibC
{
    public const int AF_INET = 2;
    public const int AF_NETLINK = 16;
    public const int AF_PACKET = 17;
    public const int SOCK_RAW = 3;
    public const int SOCK_CLOEXEC = 0x80000;
    public const int EEXIST = 17;
    public const int EADDRNOTAVAIL = 99;
    public const int ENODEV = 19;
    public const int EPERM = 1;
    public const int MADV_DONTNEED = 4;

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    public static partial int Bind(int fd, ReadOnlySpan<byte> address, int length);

    [LibraryImport("libc", EntryPoint = "sendto", SetLastError = true)]
    public static partial nint SendTo(int fd, ReadOnlySpan<byte> buffer, nint length, int flags, ReadOnlySpan<byte> address, int addressLength);

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    public static partial int Madvise(nint address, nuint length, int advice);

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

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    public static int OpenSocket(int domain, int type, int protocol)
    {
        var fd = Socket(domain, type | SOCK_CLOEXEC, protocol);
        if (fd < 0)
        {
            throw new System.Net.Sockets.SocketException(Marshal.GetLastPInvokeError());
        }

        return fd;
    }
}
