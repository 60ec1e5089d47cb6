using System.Collections.Immutable;
using System.Threading.Channels;
using Grpc.Core;
using HaCluster.Contracts;
using HaCluster.Shared.Hosting;

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
/// One person's live copy of the fleet, from the controller's <c>Watch</c> stream called with that person's token (the
/// dashboard has no credential of its own): the full snapshot first, then every change. All of a person's tabs share
/// it (<see cref="FleetFeeds"/>); pages subscribe and re-render through <c>InvokeAsync</c>. Each subscriber has its own
/// bounded queue and its own task, so a slow page (a tab that reloads its timeline) delays nobody else; one that falls
/// that far behind is told to start again (<see cref="FeedChange.Reset"/>). A lost stream is reconnected with the
/// shared capped backoff (<see cref="Reconnect"/>), and until then <see cref="Connected"/> is false so pages can say so.
/// A token the controller refuses (expired, revoked, role taken away) is not tried again: <see cref="SignedOut"/> asks
/// the person to sign in again, and their next token resumes the stream.
/// </summary>
public sealed partial class FleetFeed(Admin.AdminClient admin, TimeProvider clock, ILogger<FleetFeed> logger)
{
    public const int RecentEventsKept = 500;
    public const int SubscriberCapacity = 256;
    private static readonly ReconnectPolicy Policy = new(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));

    private readonly Lock _lock = new();
    private ImmutableSortedDictionary<string, GroupStatus> _groups = ImmutableSortedDictionary<string, GroupStatus>.Empty.WithComparers(StringComparer.Ordinal);
    private ImmutableSortedDictionary<string, Node> _nodes = ImmutableSortedDictionary<string, Node>.Empty.WithComparers(StringComparer.Ordinal);
    private ImmutableList<Event> _recent = [];
    private ImmutableArray<Subscriber> _subscribers = [];
    private CancellationTokenSource? _running;
    private Task _loop = Task.CompletedTask;
    private string? _token;
    private string? _refused;
    private TaskCompletionSource _newToken = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Connected { get; private set; }

    /// <summary>Whether a snapshot has arrived at least once (before that, pages show a placeholder, not "no groups").</summary>
    public bool Loaded { get; private set; }

    /// <summary>The controller refused this person's token: the stream waits for them to sign in again.</summary>
    public bool SignedOut { get; private set; }

    public string? LastError { get; private set; }

    public IReadOnlyList<GroupStatus> Groups => [.. _groups.Values];

    public IReadOnlyList<Node> Nodes => [.. _nodes.Values];

    /// <summary>The newest events first.</summary>
    public IReadOnlyList<Event> RecentEvents => _recent;

    public GroupStatus? Group(string name) => _groups.GetValueOrDefault(name);

    public Node? Node(string name) => _nodes.GetValueOrDefault(name);

    /// <summary>
    /// Calls <paramref name="onChange"/> after each change, in order, on the subscriber's own task, until disposed; the
    /// handler should only marshal to its renderer (what it awaits delays only its own later changes).
    /// </summary>
    public IDisposable Subscribe(Func<FeedChange, Task> onChange)
    {
        var subscriber = new Subscriber(onChange);
        lock (_lock)
        {
            _subscribers = _subscribers.Add(subscriber);
        }

        return new Subscription(this, subscriber);
    }

    /// <summary>The token the stream is opened with from now on (the person signed in again, or from another tab).</summary>
    internal void UseToken(string? token)
    {
        lock (_lock)
        {
            if (token is null || token == _token)
            {
                return;
            }

            _token = token;
            _newToken.TrySetResult();
        }
    }

    internal void Start()
    {
        lock (_lock)
        {
            if (_running is not null)
            {
                return;
            }

            _running = new CancellationTokenSource();
            var stopping = _running.Token;
            _loop = Task.Run(() => Reconnect.RunAsync(WatchAsync, (_, e) => Failed(e), Policy, clock, stopping), CancellationToken.None);
        }
    }

    internal async Task StopAsync()
    {
        CancellationTokenSource? running;
        lock (_lock)
        {
            (running, _running) = (_running, null);
        }

        if (running is not null)
        {
            await running.CancelAsync();
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            running.Dispose();
        }
    }

    private async Task WatchAsync(int attempt, Action answered, CancellationToken ct)
    {
        string? token;
        Task newToken;
        lock (_lock)
        {
            (token, newToken) = (_token, _newToken.Task);
            if (token is not null && token == _refused)
            {
                _newToken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                newToken = _newToken.Task;
            }
        }

        if (token is null || token == _refused)
        {
            // Refused (or none yet): nothing to try until the person signs in again.
            await newToken.WaitAsync(ct);
            return;
        }

        using var call = admin.Watch(new WatchRequest(), new Metadata { { "Authorization", "Bearer " + token } }, cancellationToken: ct);
        try
        {
            await foreach (var response in call.ResponseStream.ReadAllAsync(ct))
            {
                answered();
                SignedOut = false;
                Apply(response);
            }
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied)
        {
            _refused = token;
            SignedOut = true;
            throw;
        }

        Lost("the controller ended the stream");
    }

    private void Failed(Exception e) =>
        Lost(e is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : e.Message);

    private void Apply(WatchResponse response)
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

            Notify(new FeedChange.Reset());
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
            Notify(feed);
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

    private void Lost(string error)
    {
        LastError = error;
        if (Connected)
        {
            Connected = false;
            LogLost(error);
        }

        Notify(new FeedChange.ConnectionChanged(false));
    }

    /// <summary>Hands the change to every subscriber's queue; never waits for any of them.</summary>
    private void Notify(FeedChange change)
    {
        foreach (var subscriber in _subscribers)
        {
            subscriber.Post(change);
        }
    }

    private void Unsubscribe(Subscriber subscriber)
    {
        lock (_lock)
        {
            _subscribers = _subscribers.Remove(subscriber);
        }

        subscriber.Complete();
    }

    /// <summary>One page's queue of changes and the task that hands them over.</summary>
    private sealed class Subscriber
    {
        private readonly Channel<FeedChange> _queue = Channel.CreateBounded<FeedChange>(
            new BoundedChannelOptions(SubscriberCapacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.DropWrite });
        private readonly Func<FeedChange, Task> _handler;
        private int _lost;

        public Subscriber(Func<FeedChange, Task> handler)
        {
            _handler = handler;
            _ = Task.Run(PumpAsync);
        }

        public void Post(FeedChange change)
        {
            if (!_queue.Writer.TryWrite(change))
            {
                // Too far behind: what it has not seen is replaced by a fresh start from the current state.
                Volatile.Write(ref _lost, 1);
            }
        }

        public void Complete() => _queue.Writer.TryComplete();

        private async Task PumpAsync()
        {
            await foreach (var change in _queue.Reader.ReadAllAsync())
            {
                try
                {
                    if (Interlocked.Exchange(ref _lost, 0) == 1)
                    {
                        await _handler(new FeedChange.Reset());
                    }

                    await _handler(change);
                }
                catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
                {
                    // A page whose circuit is going away: its subscription ends with it.
                    return;
                }
            }
        }
    }

    private sealed class Subscription(FleetFeed feed, Subscriber subscriber) : IDisposable
    {
        public void Dispose() => feed.Unsubscribe(subscriber);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "watching the controller: {Groups} group(s), {Nodes} node(s)")]
    private partial void LogConnected(int groups, int nodes);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "lost the controller's stream ({Error}); reconnecting")]
    private partial void LogLost(string error);
}
