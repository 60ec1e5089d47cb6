using System.Threading.Channels;
using HaCluster.Controller.Fleet;

namespace HaCluster.Controller.Events;

/// <summary>A change of the fleet, as the live streams carry it.</summary>
public abstract record FleetChange
{
    public sealed record EventAppended(EventRecord Event) : FleetChange;

    public sealed record GroupStatusChanged(GroupStatusView Status) : FleetChange;

    public sealed record NodeChanged(NodeView Node) : FleetChange;

    public sealed record GroupRemoved(string Name) : FleetChange;
}

/// <summary>
/// In-process fan-out of fleet changes to the live streams (the dashboard's watch). Each subscriber has a bounded
/// queue; one that falls that far behind is cut off (its stream ends and the client resubscribes for a fresh
/// snapshot) rather than slowing everybody else or growing without bound.
/// </summary>
public sealed class FleetBus
{
    public const int SubscriberCapacity = 4096;
    private readonly Lock _lock = new();
    private Channel<FleetChange>[] _subscribers = [];

    public int Subscribers => _subscribers.Length;

    public Subscription Subscribe()
    {
        var channel = Channel.CreateBounded<FleetChange>(new BoundedChannelOptions(SubscriberCapacity) { SingleReader = true });
        lock (_lock)
        {
            _subscribers = [.. _subscribers, channel];
        }

        return new Subscription(this, channel);
    }

    public void Publish(FleetChange change)
    {
        foreach (var subscriber in _subscribers)
        {
            if (!subscriber.Writer.TryWrite(change))
            {
                subscriber.Writer.TryComplete(new SubscriberTooSlowException());
                Remove(subscriber);
            }
        }
    }

    private void Remove(Channel<FleetChange> channel)
    {
        lock (_lock)
        {
            _subscribers = [.. _subscribers.Where(s => s != channel)];
        }
    }

    public sealed class Subscription(FleetBus bus, Channel<FleetChange> channel) : IDisposable
    {
        public ChannelReader<FleetChange> Reader => channel.Reader;

        public void Dispose()
        {
            channel.Writer.TryComplete();
            bus.Remove(channel);
        }
    }
}

public sealed class SubscriberTooSlowException() : Exception($"the subscriber fell {FleetBus.SubscriberCapacity} changes behind; subscribe again for a fresh snapshot");
