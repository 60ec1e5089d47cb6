using System.Threading.Channels;
using HaCluster.Controller.Domain;

namespace HaCluster.Controller.Events;

/// <summary>A change of the fleet, as the live streams carry it.</summary>
public abstract record FleetUpdate
{
    public sealed record EventAppended(FleetEvent Event) : FleetUpdate;

    public sealed record GroupStatusChanged(GroupStatusView Status) : FleetUpdate;

    public sealed record NodeChanged(NodeView Node) : FleetUpdate;

    public sealed record GroupRemoved(string Name) : FleetUpdate;
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
    private Channel<FleetUpdate>[] _subscribers = [];

    public int Subscribers => _subscribers.Length;

    public Subscription Subscribe()
    {
        var channel = Channel.CreateBounded<FleetUpdate>(new BoundedChannelOptions(SubscriberCapacity) { SingleReader = true });
        lock (_lock)
        {
            _subscribers = [.. _subscribers, channel];
        }

        return new Subscription(this, channel);
    }

    public void Publish(FleetUpdate change)
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

    private void Remove(Channel<FleetUpdate> channel)
    {
        lock (_lock)
        {
            _subscribers = [.. _subscribers.Where(s => s != channel)];
        }
    }

    public sealed class Subscription(FleetBus bus, Channel<FleetUpdate> channel) : IDisposable
    {
        public ChannelReader<FleetUpdate> Reader => channel.Reader;

        public void Dispose()
        {
            channel.Writer.TryComplete();
            bus.Remove(channel);
        }
    }
}

public sealed class SubscriberTooSlowException() : Exception($"the subscriber fell {FleetBus.SubscriberCapacity} changes behind; subscribe again for a fresh snapshot");
