using System.Runtime.InteropServices;

namespace HaCluster.Agent.Net;

/// <summary>The few libc calls .NET does not expose: raw sockets of protocols it refuses, netlink and AF_PACKET, madvise.</summary>
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
