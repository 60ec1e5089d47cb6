namespace HaCluster.TestSupport;

/// <summary>A running tcpdump writing a pcap file; see <see cref="NetnsLab.StartCaptureAsync"/>.</summary>
public sealed class PacketCapture : IAsyncDisposable
{
    internal PacketCapture(LabProcess process, string path)
    {
        Process = process;
        Path = path;
    }

    public LabProcess Process { get; }

    /// <summary>The pcap file (kept in the lab's work dir).</summary>
    public string Path { get; }

    /// <summary>Stops tcpdump (SIGINT, so it flushes and closes the file cleanly).</summary>
    public async Task StopAsync()
    {
        if (Process.HasExited)
            return;
        Process.Signal(Signals.Int);
        if (!await Process.WaitForExitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false))
            await Process.KillAsync().ConfigureAwait(false);
    }

    /// <summary>Stops the capture if needed and returns <c>tcpdump -nn -v -r FILE</c> (plus <paramref name="extraArgs"/>, e.g. "-e").</summary>
    public async Task<string> DecodeAsync(params string[] extraArgs)
    {
        await StopAsync().ConfigureAwait(false);
        var result = await Cmd.RunAsync("tcpdump", ["-nn", "-v", .. extraArgs, "-r", Path], Cmd.DefaultTimeout).ConfigureAwait(false);
        return result.EnsureSuccess().Stdout;
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}
