using System.Net;
using HaCluster.Agent.Vrrp;

namespace HaCluster.Agent.Tests.Vrrp;

/// <summary>Drives the pure machine with a hand-moved clock; records the actions of the last step.</summary>
internal sealed class MachineDriver(VrrpSettings settings)
{
    public static readonly IPAddress Self = IPAddress.Parse("192.0.2.10");
    public static readonly IPAddress Lower = IPAddress.Parse("192.0.2.9");
    public static readonly IPAddress Higher = IPAddress.Parse("192.0.2.11");
    public static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    public VrrpSettings Settings { get; set; } = settings;
    public VrrpInstanceState State { get; private set; } = VrrpInstanceState.Initial;
    public IReadOnlyList<VrrpAction> Actions { get; private set; } = [];
    public TimeSpan Now { get; private set; }

    public static MachineDriver V2(byte priority = 100, int intervalSeconds = 1) =>
        new(new VrrpSettings(2, priority, TimeSpan.FromSeconds(intervalSeconds), Self));

    public MachineDriver Start(bool interfaceUp = true) => Send(new VrrpEvent.Startup(interfaceUp));

    public MachineDriver At(TimeSpan now)
    {
        Now = now;
        return Send(VrrpEvent.TimerTick);
    }

    public MachineDriver Advert(byte priority, IPAddress? source = null, TimeSpan? interval = null) =>
        Send(new VrrpEvent.AdvertReceived(source ?? Higher, priority, interval ?? Settings.AdvertInterval));

    public MachineDriver Send(VrrpEvent @event)
    {
        var decision = VrrpStateMachine.Handle(State, Settings, @event, Now);
        (State, Actions) = (decision.State, decision.Actions);
        return this;
    }

    public MachineDriver Set(TimeSpan now)
    {
        Now = now;
        return this;
    }

    /// <summary>Brings a fresh instance to Master via the master-down timer; returns the time it became master.</summary>
    public TimeSpan MakeMaster()
    {
        Start().At(VrrpTimers.MasterDownInterval(Settings.Version, Settings.Priority, Settings.AdvertInterval));
        Assert.Equal(VrrpState.Master, State.State);
        return Now;
    }

    public VrrpAction.StateChanged? Transition => Actions.OfType<VrrpAction.StateChanged>().SingleOrDefault();
    public IEnumerable<byte> AdvertsSent => Actions.OfType<VrrpAction.SendAdvert>().Select(a => a.Priority);
    public bool Garped => Actions.OfType<VrrpAction.SendGratuitousArps>().Any();
}
