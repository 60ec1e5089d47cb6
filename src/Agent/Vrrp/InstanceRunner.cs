using System.Collections.Concurrent;
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

/// <summary>One state change as reported to notify scripts, sync groups, status and (later) the controller.</summary>
public sealed record TransitionRecord(VrrpState From, VrrpState To, TransitionReason Reason, byte Priority, DateTimeOffset At);

/// <summary>
/// Runs one instance: a dedicated thread feeds events and deadlines to the pure <see cref="VrrpStateMachine"/> and
/// carries out its actions. Deadlines are absolute on the monotonic clock and are served before queued packets, so no
/// received packet can delay an advert.
/// </summary>
public sealed partial class InstanceRunner : IDisposable
{
    private readonly BlockingCollection<VrrpEvent> _inbox = new(new ConcurrentQueue<VrrpEvent>(), boundedCapacity: 4096);
    private readonly IInstanceIo _io;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly Thread _thread;
    private volatile VrrpInstanceState _state = VrrpInstanceState.Initial;
    private volatile VrrpSettings _settings;
    private volatile TransitionRecord? _lastTransition;

    public InstanceRunner(string name, string interfaceName, byte virtualRouterId, VrrpSettings settings, IInstanceIo io, InstanceCounters counters, ILogger logger, TimeProvider time)
    {
        Name = name;
        Interface = interfaceName;
        VirtualRouterId = virtualRouterId;
        BasePriority = settings.Priority;
        _settings = settings;
        Counters = counters;
        _io = io;
        _logger = logger;
        _time = time;
        _origin = time.GetTimestamp();
        _thread = new Thread(Run) { IsBackground = true, Name = $"vrrp-{name}", Priority = ThreadPriority.AboveNormal };
    }

    public string Name { get; }
    public string Interface { get; }
    public byte VirtualRouterId { get; }
    /// <summary>The configured priority; <see cref="Settings"/> holds the effective one (after tracking).</summary>
    public byte BasePriority { get; init; }
    public VrrpSettings Settings => _settings;
    public TransitionRecord? LastTransition => _lastTransition;

    /// <summary>Raised on the engine thread after each state change; handlers must only queue work.</summary>
    public event Action<InstanceRunner, TransitionRecord>? Transitioned;
    public InstanceCounters Counters { get; }
    public VrrpInstanceState State => _state;

    public void Start(bool interfaceUp)
    {
        Post(new VrrpEvent.Startup(interfaceUp));
        _thread.Start();
    }

    /// <summary>Queues an event; when the queue is full (a flood) adverts are dropped, never blocking the caller.</summary>
    public bool Post(VrrpEvent @event) => _inbox.TryAdd(@event);

    /// <summary>Releases like keepalived: priority 0 and VIPs removed if master; waits for the thread to finish.</summary>
    public void Stop(TimeSpan timeout)
    {
        if (_thread.IsAlive)
        {
            _inbox.Add(new VrrpEvent.Shutdown());
            _thread.Join(timeout);
        }
    }

    public void Dispose()
    {
        Stop(TimeSpan.FromSeconds(5));
        _io.Dispose();
    }

    private TimeSpan Now => _time.GetElapsedTime(_origin);

    private void Run()
    {
        while (_state.State != VrrpState.Stopped)
        {
            var wait = _state.NextDeadline is { } deadline ? deadline - Now : Timeout.InfiniteTimeSpan;
            if (wait != Timeout.InfiniteTimeSpan && wait <= TimeSpan.Zero)
            {
                Handle(VrrpEvent.TimerTick);
            }
            else if (_inbox.TryTake(out var @event, ToMilliseconds(wait)))
            {
                Handle(@event);
            }
        }
    }

    private static int ToMilliseconds(TimeSpan wait) =>
        wait == Timeout.InfiniteTimeSpan ? Timeout.Infinite : (int)Math.Ceiling(wait.TotalMilliseconds);

    private void Handle(VrrpEvent @event)
    {
        if (@event is VrrpEvent.TrackingChanged tracking)
        {
            _settings = _settings with { Priority = tracking.Priority };
        }

        VrrpEvent? next = @event;
        while (next is not null)
        {
            var decision = VrrpStateMachine.Handle(_state, _settings, next, Now);
            _state = decision.State;
            next = null;
            foreach (var action in decision.Actions)
            {
                // A failed action (VIPs not bound) ends this decision: nothing after it may run (no advert, no GARP).
                if ((next = Execute(action)) is not null)
                {
                    break;
                }
            }
        }
    }

    /// <summary>Carries out one action; returns the event its failure raises, if any.</summary>
    private VrrpEvent? Execute(VrrpAction action)
    {
        switch (action)
        {
            case SendAdvert send:
                _io.SendAdvert(send.Priority);
                break;
            case AddVirtualIps when _io.AddVirtualIps() is { } error:
                LogVipError(Name, error);
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
                LogTransition(Name, changed.From.ToLogName(), changed.To.ToLogName(), changed.Reason.ToLogName(), changed.Priority);
                _lastTransition = new TransitionRecord(changed.From, changed.To, changed.Reason, changed.Priority, _time.GetUtcNow());
                Transitioned?.Invoke(this, _lastTransition);
                break;
        }

        return null;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "VRRP transition instance={Instance} from={From} to={To} reason={Reason} priority={Priority}")]
    private partial void LogTransition(string instance, string from, string to, string reason, byte priority);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "VRRP instance={Instance} cannot bind its virtual addresses: {Error}")]
    private partial void LogVipError(string instance, string error);
}
