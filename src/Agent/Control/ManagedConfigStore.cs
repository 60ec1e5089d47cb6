using Google.Protobuf;
using HaCluster.Contracts;
using HaCluster.Shared.Tls;

namespace HaCluster.Agent.Control;

/// <summary>
/// The last config the controller pushed and this agent accepted, kept on disk so the agent runs it again after a
/// restart while the controller is unreachable. <c>managed.conf</c> is the text as pushed (what config errors point
/// at); <c>desired.pb</c> holds it with its hash and group revisions. Written atomically (temp, fsync, rename), readable by the agent's user only.
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

    /// <summary>Both files 0600 (the text holds the VRRP password), each written atomically.</summary>
    public void Save(DesiredConfig config)
    {
        PrivateFiles.EnsureDirectory(directory);
        PrivateFiles.WriteText(Path.Combine(directory, TextFile), config.Text);
        PrivateFiles.Write(Path.Combine(directory, RecordFile), config.ToByteArray());
    }
}
