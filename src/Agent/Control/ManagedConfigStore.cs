using Google.Protobuf;
using HaCluster.Contracts;

namespace HaCluster.Agent.Control;

/// <summary>
/// The last config the controller pushed and this agent accepted, kept on disk so the agent runs it again after a
/// restart while the controller is unreachable. <c>managed.conf</c> is the text as pushed (what config errors point
/// at); <c>desired.pb</c> holds it with its hash and group revisions. Written atomically: temp, fsync, rename.
/// </summary>
public sealed class ManagedConfigStore(string directory)
{
    private const string RecordFile = "desired.pb";
    private const string TextFile = "managed.conf";

    /// <summary>Where the pushed text lives on this host; config diagnostics name it.</summary>
    public string TextPath => Path.Combine(directory, TextFile);

    /// <summary>The stored config, or null when there is none or it cannot be read (then the controller sends it again).</summary>
    public DesiredConfig? Load()
    {
        try
        {
            var path = Path.Combine(directory, RecordFile);
            return File.Exists(path) ? DesiredConfig.Parser.ParseFrom(File.ReadAllBytes(path)) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidProtocolBufferException)
        {
            return null;
        }
    }

    public void Save(DesiredConfig config)
    {
        Directory.CreateDirectory(directory);
        WriteAtomically(TextFile, System.Text.Encoding.UTF8.GetBytes(config.Text));
        WriteAtomically(RecordFile, config.ToByteArray());
    }

    private void WriteAtomically(string name, byte[] bytes)
    {
        var path = Path.Combine(directory, name);
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }
}
