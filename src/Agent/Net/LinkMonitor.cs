namespace HaCluster.Agent.Net;

/// <summary>
/// Listens to RTNLGRP_LINK and reports every link's up/down state as it changes. No thread of its own and no polling:
/// an idle agent is not woken for it (it used to wake twice a second on a receive timeout).
/// </summary>
public sealed class LinkMonitor : IDisposable
{
    private const uint RtmgrpLink = 1;
    private const ushort RtmNewLink = 16;
    private const ushort RtmDelLink = 17;
    private readonly NetlinkSocket _socket = new(RtmgrpLink);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _disposed;

    public LinkMonitor(Action<LinkInfo, bool> onChange) => _loop = Task.Run(() => RunAsync(onChange));

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stop.Cancel();
        _loop.Wait(TimeSpan.FromSeconds(5));
        _socket.Dispose();
        _stop.Dispose();
    }

    private async Task RunAsync(Action<LinkInfo, bool> onChange)
    {
        var messages = new List<NetlinkMessage>();
        while (await _socket.ReceiveAsync(messages, _stop.Token).ConfigureAwait(false))
        {
            foreach (var message in messages)
            {
                if (message.Type is RtmNewLink or RtmDelLink && RtNetlink.ParseLink(message.Payload) is { } link)
                {
                    onChange(link, message.Type == RtmNewLink && link.IsUp);
                }
            }
        }
    }
}
