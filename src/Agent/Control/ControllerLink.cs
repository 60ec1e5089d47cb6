using System.Threading.Channels;
using Grpc.Core;
using HaCluster.Agent.Hosting;
using HaCluster.Agent.Vrrp;
using HaCluster.Contracts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HaCluster.Agent.Control;

/// <summary>Managed mode: where the controller is and who this node is.</summary>
public sealed record ControllerLinkOptions(IReadOnlyList<Uri> Controllers, string Node)
{
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan CountersInterval { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// The agent's long-lived call to the controller: hello, snapshot, then journaled transitions and periodic counters
/// up; desired configs and acknowledgements down. Never in the failover path: the instances run on whatever happens
/// here, and a failure only means another attempt, with capped exponential backoff over the configured addresses
/// (reset once a controller answers).
/// </summary>
public sealed partial class ControllerLink : BackgroundService
{
    private const int EventBatch = 500;
    private readonly AgentService _agent;
    private readonly ControllerLinkOptions _options;
    private readonly EventJournal _journal;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private volatile bool _connected;
    private volatile bool _answered;
    private long _sessions;
    private string? _lastError;

    public ControllerLink(AgentService agent, ControllerLinkOptions options, EventJournal journal, ILoggerFactory loggers, TimeProvider time)
    {
        (_agent, _options, _journal, _time) = (agent, options, journal, time);
        _logger = loggers.CreateLogger("HaCluster.Agent.Controller");
        // Subscribed here, before any hosted service starts, so not even the first transition is missed; the handler
        // runs on the engine thread and only queues (the journal writes on its own task).
        agent.Transitioned += (runner, transition) => journal.Enqueue(LinkMessages.Event(runner, transition));
        agent.ExtraMetrics = Metrics;
    }

    /// <summary>
    /// Registered before the agent, so stopped after it: the release's STOP transitions can still go out. Waits up to a
    /// second for the controller to acknowledge them; what it does not is sent at the next start.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        var deadline = _time.GetTimestamp();
        while (_connected && _journal.Count > 0 && _time.GetElapsedTime(deadline) < TimeSpan.FromSeconds(1))
        {
            await Task.Delay(20, cancellationToken);
        }

        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        await _agent.Started.WaitAsync(stopping);
        var backoff = _options.InitialBackoff;
        for (var attempt = 0; !stopping.IsCancellationRequested; attempt++)
        {
            var address = _options.Controllers[attempt % _options.Controllers.Count];
            _answered = false;
            try
            {
                await RunSessionAsync(address, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // Whatever goes wrong on the link must never stop the agent: log it and try again.
                ReportFailure(address, e);
            }
            finally
            {
                _connected = false;
            }

            backoff = _answered ? _options.InitialBackoff : backoff;
            var jitter = 0.8 + (Random.Shared.NextDouble() * 0.4);
            try
            {
                await Task.Delay(backoff * jitter, _time, stopping);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxBackoff.Ticks));
        }
    }

    /// <summary>One connection, until either side ends it.</summary>
    private async Task RunSessionAsync(Uri address, CancellationToken stopping)
    {
        using var channel = ControllerAddress.OpenChannel(address);
        using var session = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        using var call = new AgentLink.AgentLinkClient(channel).Connect(cancellationToken: session.Token);
        var outgoing = Channel.CreateBounded<AgentMessage>(new BoundedChannelOptions(64) { SingleReader = true });
        var configs = Channel.CreateBounded<DesiredConfig>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
        await outgoing.Writer.WriteAsync(new AgentMessage { Hello = Hello() }, session.Token);
        await outgoing.Writer.WriteAsync(new AgentMessage { Snapshot = LinkMessages.Snapshot(_agent.Runners) }, session.Token);
        Task[] tasks =
        [
            WriteAllAsync(call.RequestStream, outgoing.Reader, session.Token),
            PumpEventsAsync(outgoing.Writer, session.Token),
            PumpCountersAsync(outgoing.Writer, session.Token),
            ApplyConfigsAsync(configs.Reader, outgoing.Writer, stopping),
            ReadAllAsync(call.ResponseStream, configs.Writer, () => OnAnswer(address), session.Token),
        ];
        var first = await Task.WhenAny(tasks);
        session.Cancel();
        configs.Writer.TryComplete();
        await Task.WhenAll(tasks).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!stopping.IsCancellationRequested)
        {
            await first;
            LogStreamEnded(ControllerAddress.Display(address));
        }
    }

    private Hello Hello()
    {
        var vips = _agent.Config.Instances.SelectMany(i => i.VirtualIps).Select(v => v.Address).ToHashSet();
        return LinkMessages.Hello(_options.Node, _journal.BootId, _agent.Network, vips, _agent.Managed);
    }

    private static async Task WriteAllAsync(IClientStreamWriter<AgentMessage> stream, ChannelReader<AgentMessage> outgoing, CancellationToken ct)
    {
        await foreach (var message in outgoing.ReadAllAsync(ct))
        {
            await stream.WriteAsync(message, ct);
        }
    }

    /// <summary>Every journaled event not yet acknowledged, oldest first, then each new one as it is appended.</summary>
    private async Task PumpEventsAsync(ChannelWriter<AgentMessage> outgoing, CancellationToken ct)
    {
        var cursor = 0L;
        while (!ct.IsCancellationRequested)
        {
            var entries = _journal.After(cursor, EventBatch);
            if (entries.Count == 0)
            {
                await _journal.WaitForAppendAsync(ct);
                continue;
            }

            var batch = new StateEventBatch();
            batch.Events.AddRange(entries.Select(e => e.Event));
            await outgoing.WriteAsync(new AgentMessage { Events = batch }, ct);
            cursor = entries[^1].Index;
        }
    }

    /// <summary>
    /// Counters, and a fresh snapshot with them: what changes without a transition (the effective priority after a
    /// tracking weight, the last advert heard) reaches the controller too.
    /// </summary>
    private async Task PumpCountersAsync(ChannelWriter<AgentMessage> outgoing, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_options.CountersInterval, _time);
        while (await timer.WaitForNextTickAsync(ct))
        {
            await outgoing.WriteAsync(new AgentMessage { Counters = LinkMessages.Counters(_agent.Runners) }, ct);
            await outgoing.WriteAsync(new AgentMessage { Snapshot = LinkMessages.Snapshot(_agent.Runners) }, ct);
        }
    }

    private async Task ReadAllAsync(IAsyncStreamReader<ControllerMessage> stream, ChannelWriter<DesiredConfig> configs, Action onMessage, CancellationToken ct)
    {
        while (await stream.MoveNext(ct))
        {
            onMessage();
            switch (stream.Current.BodyCase)
            {
                case ControllerMessage.BodyOneofCase.Config:
                    configs.TryWrite(stream.Current.Config);
                    break;
                case ControllerMessage.BodyOneofCase.Ack:
                    _journal.Acknowledge(stream.Current.Ack.BootId, stream.Current.Ack.Sequence);
                    break;
                default:
                    LogUnknownMessage(stream.Current.BodyCase.ToString());
                    break;
            }
        }
    }

    /// <summary>Only the newest pushed config matters: one still waiting is replaced by a newer one.</summary>
    private async Task ApplyConfigsAsync(ChannelReader<DesiredConfig> configs, ChannelWriter<AgentMessage> outgoing, CancellationToken stopping)
    {
        await foreach (var desired in configs.ReadAllAsync(stopping))
        {
            var errors = await _agent.ApplyManagedAsync(desired, stopping);
            var applied = new ConfigApplied { DesiredHash = desired.Hash, Accepted = errors.Count == 0, Running = LinkMessages.Revision(_agent.Managed) };
            applied.Errors.AddRange(errors);
            outgoing.TryWrite(new AgentMessage { Applied = applied });
            // Instances added, removed or reprioritised in place: the controller sees them now, not at the next tick.
            outgoing.TryWrite(new AgentMessage { Snapshot = LinkMessages.Snapshot(_agent.Runners) });
        }
    }

    /// <summary>The first message of a session: the controller is there (backoff resets).</summary>
    private void OnAnswer(Uri address)
    {
        if (_answered)
        {
            return;
        }

        _answered = true;
        _connected = true;
        _lastError = null;
        LogConnected(ControllerAddress.Display(address), _options.Node, _journal.Count, Interlocked.Increment(ref _sessions));
    }

    private void ReportFailure(Uri address, Exception e)
    {
        var message = e is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : $"{e.GetType().Name}: {e.Message}";
        if (message != _lastError)
        {
            // Once per distinct error, not at every retry: an unreachable controller must not flood the log.
            _lastError = message;
            LogUnreachable(ControllerAddress.Display(address), message, _journal.Count);
        }
    }

    private string Metrics() =>
        "# HELP hacluster_controller_connected whether the agent is connected to a controller\n# TYPE hacluster_controller_connected gauge\n"
        + $"hacluster_controller_connected {(_connected ? 1 : 0)}\n"
        + "# HELP hacluster_journal_events events waiting for the controller's acknowledgement\n# TYPE hacluster_journal_events gauge\n"
        + $"hacluster_journal_events {_journal.Count}\n"
        + "# HELP hacluster_journal_dropped_total events dropped because the journal was full\n# TYPE hacluster_journal_dropped_total counter\n"
        + $"hacluster_journal_dropped_total {_journal.Dropped}\n";

    [LoggerMessage(EventId = 50, Level = LogLevel.Information, Message = "controller {Address}: connected as node {Node}; {Pending} journaled event(s) to send (session {Session})")]
    private partial void LogConnected(string address, string node, int pending, long session);

    [LoggerMessage(EventId = 51, Level = LogLevel.Warning, Message = "controller {Address} unreachable: {Error}; {Pending} event(s) kept in the journal; instances keep running")]
    private partial void LogUnreachable(string address, string error, int pending);

    [LoggerMessage(EventId = 52, Level = LogLevel.Warning, Message = "controller {Address} ended the stream; reconnecting")]
    private partial void LogStreamEnded(string address);

    [LoggerMessage(EventId = 53, Level = LogLevel.Warning, Message = "controller sent a message this agent does not know ({Kind}); ignored")]
    private partial void LogUnknownMessage(string kind);
}
