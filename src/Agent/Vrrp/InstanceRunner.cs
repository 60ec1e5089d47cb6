using HaCluster.Shared.Vocabulary;
using Microsoft.Extensions.Logging;
using static HaCluster.Agent.Vrrp.VrrpAction;

namespace HaCluster.Agent.Vrrp;

/// <summary>The edge an instance acts through: the network (adverts, addresses, ARP). Implemented over sockets and netlink.</summary>
public interface IInstanceIo : IDisposable
{
    void SendAdvert(byte priority);
    /// <summary>Adds the VIPs; returns null or a message saying what failed.</summary>
    string? AddVirtualIps();
    /// <summary>Whether <see cref="AddVirtualIps"/> would succeed now, without changing anything; null or the reason.</summary>
    string? CheckVirtualIps();
    void RemoveVirtualIps();
    void SendGratuitousArps(int count);
}

/// <summary>One state change as reported to notify scripts, sync groups, status and the controller.</summary>
public sealed record TransitionRecord(VrrpState From, VrrpState To, TransitionReason Reason, byte Priority, DateTimeOffset At)
{
    /// <summary>On a takeover: when the last valid advert (the old master's) arrived, so the gap can be measured.</summary>
    public DateTimeOffset? MasterLastHeardAt { get; init; }
}

/// <summary>
/// Runs one instance on the shared <see cref="VrrpEngine"/> thread: feeds events and deadlines to the pure
/// <see cref="VrrpStateMachine"/> and carries out its actions.
/// </summary>
public sealed partial class InstanceRunner : IDisposable
{
    private readonly IInstanceIo _io;
    private readonly ILogger _logger;
    private readonly VrrpEngine _engine;
    private readonly ManualResetEventSlim _stopped = new();
    private volatile VrrpInstanceState _state = VrrpInstanceState.Initial;
    private volatile VrrpSettings _settings;
    private volatile TransitionRecord? _lastTransition;
    private volatile byte _basePriority;

    public InstanceRunner(string name, string interfaceName, byte virtualRouterId, VrrpSettings settings, IInstanceIo io, InstanceCounters counters, ILogger logger, VrrpEngine engine)
    {
        Name = name;
        Interface = interfaceName;
        VirtualRouterId = virtualRouterId;
        _basePriority = settings.Priority;
        _settings = settings;
        Counters = counters;
        _io = io;
        _logger = logger;
        _engine = engine;
    }

    public string Name { get; }
    public string Interface { get; }
    public byte VirtualRouterId { get; }
    /// <summary>The configured priority; <see cref="Settings"/> holds the effective one (after tracking).</summary>
    public byte BasePriority { get => _basePriority; init => _basePriority = value; }

    /// <summary>What the effective priority is made of now (set by whoever tracks for this instance; read from any thread).</summary>
    public Func<PriorityBreakdown>? Explain { get; set; }
    public VrrpSettings Settings => _settings;
    public TransitionRecord? LastTransition => _lastTransition;

    /// <summary>Raised on the engine thread after each state change; handlers must only queue work.</summary>
    public event Action<InstanceRunner, TransitionRecord>? Transitioned;
    public InstanceCounters Counters { get; }
    public VrrpInstanceState State => _state;

    public void Start(bool interfaceUp)
    {
        _engine.Attach(this);
        _engine.PostReliably(this, new VrrpEvent.Startup(interfaceUp));
    }

    /// <summary>A reload changed the configured priority; the effective one follows through tracking.</summary>
    public void SetBasePriority(byte priority) => _basePriority = priority;

    /// <summary>
    /// Queues an event, never blocking the caller. When the queue is full (a flood) received adverts are dropped
    /// (false); anything else — tracking, link and sync-group changes — is never lost.
    /// </summary>
    public bool Post(VrrpEvent @event)
    {
        if (@event is VrrpEvent.AdvertReceived)
        {
            return _engine.Post(this, @event);
        }

        _engine.PostReliably(this, @event);
        return true;
    }

    /// <summary>Releases like keepalived: priority 0 and VIPs removed if master; waits until that is done.</summary>
    public void Stop(TimeSpan timeout)
    {
        _engine.PostReliably(this, new VrrpEvent.Shutdown());
        _stopped.Wait(timeout);
        _engine.Detach(this);
    }

    public void Dispose()
    {
        Stop(TimeSpan.FromSeconds(5));
        _io.Dispose();
    }

    private TimeSpan Now => _engine.Now;

    /// <summary>Runs on the engine thread only.</summary>
    internal void Handle(VrrpEvent @event)
    {
        if (@event is VrrpEvent.TrackingChanged tracking)
        {
            _settings = _settings with { Priority = tracking.Priority };
        }
        else if (@event is VrrpEvent.HandoffChanged handoff)
        {
            _settings = _settings.WithHandoff(handoff.Handoff);
        }

        VrrpEvent? next = @event;
        while (next is not null)
        {
            var decision = VrrpStateMachine.Handle(_state, _settings, next, Now);
            // A transition happens when it is decided, before its actions: a takeover's time is before its VIPs are
            // bound and its advert is sent, so the old master, stepping down on that advert, is always later.
            var decidedAt = _engine.Time.GetUtcNow();
            _state = decision.State;
            next = null;
            foreach (var action in decision.Actions)
            {
                // A failed action (VIPs not bound) ends this decision: nothing after it may run (no advert, no GARP)
                // but the record of the state it decided, which the failure's own transition then leaves.
                if (next is not null)
                {
                    if (action is StateChanged)
                    {
                        Execute(action, decidedAt);
                    }

                    continue;
                }

                next = Execute(action, decidedAt);
            }
        }

        // Only once the release (priority 0, VIPs removed, STOP reported) has been carried out may Stop return.
        if (_state.State == VrrpState.Stopped)
        {
            _stopped.Set();
        }
    }

    /// <summary>Carries out one action; returns the event its failure raises, if any.</summary>
    private VrrpEvent? Execute(VrrpAction action, DateTimeOffset decidedAt)
    {
        switch (action)
        {
            case SendAdvert send:
                _io.SendAdvert(send.Priority);
                break;
            case AddVirtualIps when _io.AddVirtualIps() is { } error:
                VrrpLog.VipBindFailed(_logger, Name, error);
                return new VrrpEvent.VipBindFailed(error);
            case ProbeVirtualIps when _io.CheckVirtualIps() is null:
                return new VrrpEvent.VipsBindable();
            case RemoveVirtualIps:
                _io.RemoveVirtualIps();
                break;
            case SendGratuitousArps garp:
                _io.SendGratuitousArps(garp.Count);
                break;
            case StateChanged changed:
                Counters.Transitioned(changed.From, changed.To);
                VrrpLog.Transition(_logger, Name, changed.From.Name(), changed.To.Name(), changed.Reason.Name(), changed.Priority);
                _lastTransition = new TransitionRecord(changed.From, changed.To, changed.Reason, changed.Priority, decidedAt)
                {
                    // A preemption or a switchover is no takeover: the old master was alive, there is no gap to measure.
                    MasterLastHeardAt = changed.To == VrrpState.Master && changed.Reason is not (TransitionReason.Preempt or TransitionReason.Switchover)
                        ? Counters.LastAdvertAt : null,
                };
                Transitioned?.Invoke(this, _lastTransition);
                break;
        }

        return null;
    }
}
