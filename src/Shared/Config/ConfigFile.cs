using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace HaCluster.Shared.Config;

/// <summary>
/// Reads a config file only if it is one: a regular file, not under /proc, /sys or /dev, at most a given size —
/// checked on the open descriptor (opened without blocking, so a FIFO cannot hang the load) and again while reading
/// (a size the kernel reports as 0 is never trusted).
/// </summary>
internal static partial class ConfigFile
{
    private const int ReadOnlyNonBlocking = 0x800 | 0x80000 | 0x100; // O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY
    private const int AtEmptyPath = 0x1000;
    private const int AtCurrentDirectory = -100;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 28; // struct statx: stx_mode (u16)
    private static readonly string[] PseudoFileSystems = ["/proc/", "/sys/", "/dev/"];

    /// <summary>The file's text, or null and why not (<paramref name="error"/>).</summary>
    public static string? Read(string fullPath, long maxBytes, out string? error)
    {
        // The path as named and where its links lead (/proc/self/exe is a link out of /proc): neither may be a pseudo-file.
        var target = ResolveLinks(fullPath);
        foreach (var path in (string[])[fullPath, target])
        {
            if (PseudoFileSystems.FirstOrDefault(p => path.StartsWith(p, StringComparison.Ordinal)) is { } under)
            {
                error = $"{path} is under {under.TrimEnd('/')}, not a config file";
                return null;
            }
        }

        // Told from the path before it is opened (opening a device may do something), and again from the descriptor.
        if (Kind(AtCurrentDirectory, target, 0) is { } before)
        {
            error = $"it is {before}, not a regular file";
            return null;
        }

        var fd = Open(target, ReadOnlyNonBlocking);
        if (fd < 0)
        {
            error = Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
            return null;
        }

        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (Kind((int)handle.DangerousGetHandle(), "", AtEmptyPath) is { } kind)
        {
            error = $"it is {kind}, not a regular file";
            return null;
        }

        using var stream = new FileStream(handle, FileAccess.Read, bufferSize: 0);
        var buffer = new byte[(int)Math.Min(maxBytes + 1, 64 * 1024)];
        using var content = new MemoryStream();
        int read;
        while ((read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, maxBytes + 1 - content.Length))) > 0)
        {
            content.Write(buffer, 0, read);
            if (content.Length > maxBytes)
            {
                error = $"larger than {Size(maxBytes)}";
                return null;
            }
        }

        error = null;
        var bytes = content.GetBuffer().AsSpan(0, (int)content.Length);
        return bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? Encoding.UTF8.GetString(bytes[3..]) : Encoding.UTF8.GetString(bytes);
    }

    /// <summary>"2 MiB", "512 KiB", "100 bytes".</summary>
    public static string Size(long bytes) =>
        bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024)} MiB" : bytes % 1024 == 0 ? $"{bytes / 1024} KiB" : $"{bytes} bytes";

    private static string ResolveLinks(string path)
    {
        try
        {
            return File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? path;
        }
        catch (IOException)
        {
            return path; // a dangling or looping link: the open says so
        }
    }

    /// <summary>What the descriptor is when it is not a regular file ("a FIFO"), else null.</summary>
    private static string? Kind(int directory, string path, int flags)
    {
        Span<byte> statx = stackalloc byte[256];
        if (Statx(directory, path, flags, StatxType, ref MemoryMarshal.GetReference(statx)) != 0)
        {
            return Marshal.GetLastPInvokeError() == 2 ? "missing" : "of a type that cannot be told";
        }

        return (BinaryPrimitives.ReadUInt16LittleEndian(statx[ModeOffset..]) & 0xF000) switch
        {
            0x8000 => null,
            0x4000 => "a directory",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0x1000 => "a FIFO",
            0xC000 => "a socket",
            _ => "not a regular file",
        };
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, ref byte buffer);
}
