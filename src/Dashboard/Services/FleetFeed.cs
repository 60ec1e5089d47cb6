using System.Collections.Immutable;
using Grpc.Core;
using HaCluster.Contracts;

namespace HaCluster.Dashboard.Services;

/// <summary>What changed in the fleet, as pages are told of it.</summary>
public abstract record FeedChange
{
    /// <summary>A fresh snapshot replaced everything (after a (re)connect).</summary>
    public sealed record Reset : FeedChange;

    public sealed record ConnectionChanged(bool Connected) : FeedChange;

    public sealed record EventAdded(Event Event) : FeedChange;

    public sealed record GroupChanged(GroupStatus Status) : FeedChange;

    public sealed record GroupRemoved(string Name) : FeedChange;

    public sealed record NodeChanged(Node Node) : FeedChange;
}

/// <summary>
/// The dashboard's live copy of the fleet, from the controller's <c>Watch</c> stream: the full snapshot first, then
/// every change. One stream for all browser sessions; pages subscribe and re-render through <c>InvokeAsync</c>. A lost
/// stream is reconnected with capped exponential backoff (reset by the first message), and until then
/// <see cref="Connected"/> is false so pages can say so.
/// </summary>
public sealed partial class FleetFeed(Admin.AdminClient admin, TimeProvider clock, ILogger<FleetFeed> logger) : BackgroundService
{
    public const int RecentEventsKept = 500;
    private static readonly TimeSpan InitialBackoff = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    private readonly Lock _lock = new();
    private ImmutableSortedDictionary<string, GroupStatus> _groups = ImmutableSortedDictionary<string, GroupStatus>.Empty.WithComparers(StringComparer.Ordinal);
    private ImmutableSortedDictionary<string, Node> _nodes = ImmutableSortedDictionary<string, Node>.Empty.WithComparers(StringComparer.Ordinal);
    private ImmutableList<Event> _recent = [];
    private ImmutableArray<Func<FeedChange, Task>> _subscribers = [];

    public bool Connected { get; private set; }

    /// <summary>Whether a snapshot has arrived at least once (before that, pages show a placeholder, not "no groups").</summary>
    public bool Loaded { get; private set; }

    public string? LastError { get; private set; }

    public IReadOnlyList<GroupStatus> Groups => [.. _groups.Values];

    public IReadOnlyList<Node> Nodes => [.. _nodes.Values];

    /// <summary>The newest events first.</summary>
    public IReadOnlyList<Event> RecentEvents => _recent;

    public GroupStatus? Group(string name) => _groups.GetValueOrDefault(name);

    public Node? Node(string name) => _nodes.GetValueOrDefault(name);

    /// <summary>Calls <paramref name="onChange"/> after each change until disposed; the handler should only marshal to its renderer.</summary>
    public IDisposable Subscribe(Func<FeedChange, Task> onChange)
    {
        lock (_lock)
        {
            _subscribers = _subscribers.Add(onChange);
        }

        return new Subscription(this, onChange);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = InitialBackoff;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var call = admin.Watch(new WatchRequest(), cancellationToken: stoppingToken);
                await foreach (var response in call.ResponseStream.ReadAllAsync(stoppingToken))
                {
                    backoff = InitialBackoff;
                    await ApplyAsync(response);
                }

                await LostAsync("the controller ended the stream");
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is RpcException or IOException or HttpRequestException or InvalidOperationException)
            {
                await LostAsync(e is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : e.Message);
            }

            await Task.Delay(backoff, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    private async Task ApplyAsync(WatchResponse response)
    {
        if (response.BodyCase == WatchResponse.BodyOneofCase.Initial)
        {
            var snapshot = response.Initial;
            _groups = _groups.Clear().SetItems(snapshot.Groups.Select(g => KeyValuePair.Create(g.Group.Name, g)));
            _nodes = _nodes.Clear().SetItems(snapshot.Nodes.Select(n => KeyValuePair.Create(n.Name, n)));
            _recent = [.. snapshot.RecentEvents.Take(RecentEventsKept)];
            (Loaded, LastError) = (true, null);
            if (!Connected)
            {
                Connected = true;
                LogConnected(_groups.Count, _nodes.Count);
            }

            await NotifyAsync(new FeedChange.Reset());
            return;
        }

        var change = response.Change;
        FeedChange? feed = change.BodyCase switch
        {
            FleetChange.BodyOneofCase.Event => Add(change.Event),
            FleetChange.BodyOneofCase.Group => Set(change.Group),
            FleetChange.BodyOneofCase.Node => Set(change.Node),
            FleetChange.BodyOneofCase.GroupRemoved => Remove(change.GroupRemoved),
            _ => null,
        };
        if (feed is not null)
        {
            await NotifyAsync(feed);
        }
    }

    private FeedChange.EventAdded Add(Event e)
    {
        _recent = _recent.Insert(0, e);
        if (_recent.Count > RecentEventsKept)
        {
            _recent = _recent.RemoveAt(_recent.Count - 1);
        }

        return new FeedChange.EventAdded(e);
    }

    private FeedChange.GroupChanged Set(GroupStatus status)
    {
        _groups = _groups.SetItem(status.Group.Name, status);
        return new FeedChange.GroupChanged(status);
    }

    private FeedChange.NodeChanged Set(Node node)
    {
        _nodes = _nodes.SetItem(node.Name, node);
        return new FeedChange.NodeChanged(node);
    }

    private FeedChange.GroupRemoved Remove(string name)
    {
        _groups = _groups.Remove(name);
        return new FeedChange.GroupRemoved(name);
    }

    private async Task LostAsync(string error)
    {
        LastError = error;
        if (Connected)
        {
            Connected = false;
            LogLost(error);
        }

        await NotifyAsync(new FeedChange.ConnectionChanged(false));
    }

    private async Task NotifyAsync(FeedChange change)
    {
        foreach (var subscriber in _subscribers)
        {
            try
            {
                await subscriber(change);
            }
            catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
            {
                // A page whose circuit is going away: its subscription ends with it.
            }
        }
    }

    private void Unsubscribe(Func<FeedChange, Task> onChange)
    {
        lock (_lock)
        {
            _subscribers = _subscribers.Remove(onChange);
        }
    }

    private sealed class Subscription(FleetFeed feed, Func<FeedChange, Task> onChange) : IDisposable
    {
        public void Dispose() => feed.Unsubscribe(onChange);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "watching the controller: {Groups} group(s), {Nodes} node(s)")]
    private partial void LogConnected(int groups, int nodes);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "lost the controller's stream ({Error}); reconnecting")]
    private partial void LogLost(string error);
}
