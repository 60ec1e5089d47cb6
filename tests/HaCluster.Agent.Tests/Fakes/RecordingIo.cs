using HaCluster.Agent.Vrrp;

namespace HaCluster.Agent.Tests.Fakes;

/// <summary>The runner's port to the network, recording each action in order (and able to refuse the VIPs).</summary>
internal sealed class RecordingIo : IInstanceIo
{
    private readonly Lock _lock = new();
    private readonly List<string> _actions = [];

    /// <summary>When set, binding the VIPs fails with this message (an address held elsewhere).</summary>
    public string? BindError { get; set; }

    /// <summary>Blocks the engine thread in AddVirtualIps until set: a stuck edge, for flood tests.</summary>
    public ManualResetEventSlim? HoldBind { get; set; }

    public IReadOnlyList<string> Actions
    {
        get
        {
            lock (_lock)
            {
                return [.. _actions];
            }
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _actions.Clear();
        }
    }

    public void SendAdvert(byte priority) => Record($"advert {priority}");

    public string? AddVirtualIps()
    {
        HoldBind?.Wait(TimeSpan.FromSeconds(30));
        Record("add vips");
        return BindError;
    }

    public string? CheckVirtualIps() => BindError;

    public void RemoveVirtualIps() => Record("remove vips");

    public void SendGratuitousArps(int count) => Record($"garp {count}");

    public void Dispose() => Record("disposed");

    private void Record(string action)
    {
        lock (_lock)
        {
            _actions.Add(action);
        }
    }
}
