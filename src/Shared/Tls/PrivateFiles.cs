using System.Globalization;

namespace HaCluster.Shared.Tls;

/// <summary>
/// Files that only their owner may read (keys, certificates, pushed configs, journals, databases) and the directories
/// that hold them: created 0700 / 0600 from the start, never widened afterwards, and written atomically.
/// </summary>
public static class PrivateFiles
{
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const UnixFileMode Others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Creates <paramref name="path"/> (and its missing parents) as 0700, or narrows an existing one to 0700.</summary>
    public static void EnsureDirectory(string path)
    {
        Directory.CreateDirectory(path, DirectoryMode);
        if ((File.GetUnixFileMode(path) & Others) != 0)
        {
            File.SetUnixFileMode(path, DirectoryMode);
        }
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> as 0600: a temporary file, fsync, rename.</summary>
    public static void Write(string path, ReadOnlySpan<byte> bytes)
    {
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, new FileStreamOptions { Mode = System.IO.FileMode.Create, Access = FileAccess.Write, UnixCreateMode = FileMode }))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        // A temporary file left by an earlier crash keeps its mode through FileMode.Create: set it again.
        File.SetUnixFileMode(temp, FileMode);
        File.Move(temp, path, overwrite: true);
    }

    public static void WriteText(string path, string text) => Write(path, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>Creates an empty <paramref name="path"/> as 0600 if it does not exist (so that what fills it later inherits the mode).</summary>
    public static void Precreate(string path)
    {
        if (!File.Exists(path))
        {
            using var _ = new FileStream(path, new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = FileMode });
        }
    }

    /// <summary>
    /// Null when no one but the owner may read or write <paramref name="path"/>; else what is wrong, as ssh says it about
    /// a private key ("permissions 0644 for '…' are too open").
    /// </summary>
    public static string? TooOpen(string path, string what = "a private key")
    {
        var mode = File.GetUnixFileMode(path);
        return (mode & Others) == 0 ? null
            : $"permissions {Octal(mode)} for '{path}' are too open: {what} must be readable by its owner only (chmod 600 '{path}')";
    }

    public static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode & 0x1ff, 8).PadLeft(3, '0').ToString(CultureInfo.InvariantCulture);
}
