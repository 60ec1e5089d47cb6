namespace HaCluster.Agent.Net;

/// <summary>Listens to RTNLGRP_LINK and reports every link's up/down state as it changes.</summary>
public sealed class LinkMonitor : IDisposable
{
    private const uint RtmgrpLink = 1;
    private const ushort RtmNewLink = 16;
    private const ushort RtmDelLink = 17;
    // A receive timeout lets the thread notice Dispose: closing a netlink fd does not wake a blocked recv.
    private readonly NetlinkSocket _socket = new(RtmgrpLink, receiveTimeoutMs: 500);
    private volatile bool _disposed;
    private readonly Thread _thread;

    public LinkMonitor(Action<LinkInfo, bool> onChange)
    {
        _thread = new Thread(() => Run(onChange)) { IsBackground = true, Name = "link-monitor" };
        _thread.Start();
    }

    public void Dispose()
    {
        _disposed = true;
        _socket.Dispose();
    }

    private void Run(Action<LinkInfo, bool> onChange)
    {
        var messages = new List<NetlinkMessage>();
        while (!_disposed && _socket.TryReceive(messages))
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
