using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;

namespace HaCluster.Agent.Net;

/// <summary>
/// Make-before-break for TCP. When a planned switchover makes this node the master, clients move to it with its GARPs
/// while some of their connections are still open on the old master, which keeps answering for its linger. A segment
/// of such a connection that now reaches this node would be answered with a reset (it never saw the connection), and
/// the client's request would fail; for the handoff, this node drops those segments silently instead, so the old master
/// finishes them (its answers reach the client directly). Done with an nftables table of the instance's own
/// (<c>ip hacluster_{instance}</c>: TCP to the VIPs, not a SYN, a connection conntrack has not seen), added before the
/// takeover and deleted after the linger and a margin. Without <c>nft</c> the handoff still happens, unguarded (logged).
/// </summary>
public sealed class HandoffGuard(string instance, IReadOnlyList<IPAddress> vips, ILogger logger)
{
    /// <summary>How long the guard stays after the linger: the old master's last answers, retransmissions.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan NftTimeout = TimeSpan.FromSeconds(3);
    private readonly Lock _lock = new();
    private CancellationTokenSource? _removal;

    public string Table { get; } = "hacluster_" + new string([.. instance.Select(c => char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_')]);

    /// <summary>Adds the guard (replacing one still there) and removes it <paramref name="linger"/> plus <see cref="Margin"/> later.</summary>
    public void Protect(TimeSpan linger)
    {
        var v4 = vips.Where(v => v.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork).ToList();
        if (v4.Count == 0)
        {
            return;
        }

        var script = new StringBuilder();
        // Declared first so that the delete always finds it: one script replaces whatever an earlier handoff left.
        script.Append(CultureInfo.InvariantCulture, $"table ip {Table}\ndelete table ip {Table}\n");
        script.Append(CultureInfo.InvariantCulture, $"table ip {Table} {{\n  chain handoff {{\n    type filter hook input priority -10; policy accept;\n");
        script.Append(CultureInfo.InvariantCulture, $"    ip daddr {{ {string.Join(", ", v4)} }} tcp flags & (syn | rst) == 0 ct state {{ new, invalid }} drop\n  }}\n}}\n");
        if (Run(script.ToString()) is { } error)
        {
            NetLog.HandoffUnguarded(logger, instance, error);
            return;
        }

        NetLog.HandoffGuarded(logger, instance, Table, (linger + Margin).TotalMilliseconds);
        CancellationTokenSource removal;
        lock (_lock)
        {
            _removal?.Cancel();
            _removal = removal = new CancellationTokenSource();
        }

        _ = RemoveLaterAsync(linger + Margin, removal.Token);
    }

    /// <summary>Removes the guard now, if there is one (the instance stops).</summary>
    public void Remove()
    {
        lock (_lock)
        {
            if (_removal is null)
            {
                return;
            }

            _removal.Cancel();
            _removal = null;
        }

        Run($"table ip {Table}\ndelete table ip {Table}\n");
    }

    private async Task RemoveLaterAsync(TimeSpan after, CancellationToken ct)
    {
        try
        {
            await Task.Delay(after, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        lock (_lock)
        {
            if (ct.IsCancellationRequested)
            {
                return;
            }

            _removal = null;
        }

        if (Run($"table ip {Table}\ndelete table ip {Table}\n") is { } error)
        {
            NetLog.HandoffGuardNotRemoved(logger, instance, Table, error);
        }
    }

    /// <summary>Runs <c>nft -f -</c> with <paramref name="script"/>; null, or what went wrong.</summary>
    private static string? Run(string script)
    {
        try
        {
            using var nft = Process.Start(new ProcessStartInfo("nft", ["-f", "-"])
            {
                RedirectStandardInput = true,
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            })!;
            nft.StandardInput.Write(script);
            nft.StandardInput.Close();
            var stderr = nft.StandardError.ReadToEndAsync();
            if (!nft.WaitForExit(NftTimeout))
            {
                nft.Kill();
                return $"nft did not finish within {NftTimeout.TotalSeconds:0} s";
            }

            return nft.ExitCode == 0 ? null : $"nft exited {nft.ExitCode}: {stderr.Result.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"nft cannot be run ({e.Message}); install nftables";
        }
    }
}
