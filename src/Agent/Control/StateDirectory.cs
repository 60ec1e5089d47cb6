using HaCluster.Shared.Tls;

namespace HaCluster.Agent.Control;

/// <summary>
/// The managed-mode state directory (identity, pushed config, event journal): 0700, and writable before the agent starts.
/// </summary>
public static class StateDirectory
{
    /// <summary>Null when <paramref name="path"/> exists (or was created) and a file can be written in it; else why not.</summary>
    public static string? Problem(string path)
    {
        try
        {
            PrivateFiles.EnsureDirectory(path);
            var probe = Path.Combine(path, $".probe-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return $"cannot write there ({e.Message})";
        }
    }
}
