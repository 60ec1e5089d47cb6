using System.Threading.Channels;
using Grpc.Core;
using HaCluster.Agent.Runtime;
using HaCluster.Contracts;
using HaCluster.Shared.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HaCluster.Agent.Control;

/// <summary>Managed mode: where the controller is and who this node is (its certificate says).</summary>
public sealed record ControllerLinkOptions(IReadOnlyList<Uri> Controllers, AgentIdentity Identity)
{
    public string Node => Identity.Node;

    /// <summary>How long a renewal waits for the controller's answer, and then at least until the next attempt.</summary>
    public TimeSpan RenewalRetry { get; init; } = TimeSpan.FromSeconds(30);

    public ReconnectPolicy Reconnect { get; init; } = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(10));
    public TimeSpan CountersInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a stop waits for the controller to acknowledge the last events (the release's STOP transitions).</summary>
    public TimeSpan FlushOnStop { get; init; } = TimeSpan.FromSeconds(1);
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
    // The controller keeps the first 100 errors of a rejected config: more would only be cut there.
    private const int MaxRefusalErrors = 99;
    private readonly IAgentRuntime _agent;
    private readonly ControllerLinkOptions _options;
    private readonly EventJournal _journal;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Channel<RenewedCertificate> _renewed = Channel.CreateBounded<RenewedCertificate>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
    // A refused local reload, told to the controller as a rejected config (no pushed hash); kept while disconnected.
    private readonly Channel<ConfigApplied> _refusals = Channel.CreateBounded<ConfigApplied>(new BoundedChannelOptions(8) { FullMode = BoundedChannelFullMode.DropOldest });
    private volatile bool _connected;
    private volatile HashSet<string> _reported = new(StringComparer.Ordinal);
    private long _sessions;
    private string? _lastError;

    public ControllerLink(IAgentRuntime agent, ControllerLinkOptions options, EventJournal journal, ILoggerFactory loggers, TimeProvider time)
    {
        (_agent, _options, _journal, _time) = (agent, options, journal, time);
        _logger = loggers.CreateLogger("HaCluster.Agent.Controller");
        // Subscribed here, before any hosted service starts, so not even the first transition is missed; the handler
        // runs on the engine thread and only queues (the journal writes on its own task).
        agent.Transitioned += (runner, transition) => journal.Enqueue(LinkMessages.Event(runner, transition));
    }

    /// <summary>
    /// Registered before the agent, so stopped after it: the release's STOP transitions can still go out. Waits a
    /// moment (<see cref="ControllerLinkOptions.FlushOnStop"/>) for the controller to acknowledge them; what it does
    /// not is sent at the next start.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_connected)
        {
            await _journal.WhenEmpty().WaitAsync(_options.FlushOnStop, _time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await base.StopAsync(cancellationToken);
    }

    /// <summary>Whatever goes wrong on the link never stops the agent: it is logged, and the next attempt follows.</summary>
    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        await _agent.Started.WaitAsync(stopping);
        await Reconnect.RunAsync(
            (attempt, answered, ct) => RunSessionAsync(Address(attempt), answered, ct),
            (attempt, e) => ReportFailure(Address(attempt), e),
            _options.Reconnect, _time, stopping);
    }

    private Uri Address(int attempt) => _options.Controllers[attempt % _options.Controllers.Count];

    /// <summary>One connection, until either side ends it.</summary>
    private async Task RunSessionAsync(Uri address, Action answered, CancellationToken stopping)
    {
        try
        {
            await RunStreamsAsync(address, answered, stopping);
        }
        finally
        {
            _connected = false;
        }
    }

    private async Task RunStreamsAsync(Uri address, Action answered, CancellationToken stopping)
    {
        using var channel = ControllerAddress.OpenChannel(address, _options.Identity.Tls);
        using var session = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        using var call = new AgentLink.AgentLinkClient(channel).Connect(cancellationToken: session.Token);
        var outgoing = Channel.CreateBounded<AgentMessage>(new BoundedChannelOptions(64) { SingleReader = true });
        var configs = Channel.CreateBounded<DesiredConfig>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
        await outgoing.Writer.WriteAsync(new AgentMessage { Hello = Hello() }, session.Token);
        await outgoing.Writer.WriteAsync(Snapshot(), session.Token);
        Task[] tasks =
        [
            WriteAllAsync(call.RequestStream, outgoing.Reader, session.Token),
            PumpEventsAsync(outgoing.Writer, session.Token),
            PumpCountersAsync(outgoing.Writer, session.Token),
            RenewAsync(outgoing.Writer, session.Token),
            PumpRefusalsAsync(outgoing.Writer, session.Token),
            ApplyConfigsAsync(configs.Reader, outgoing.Writer, stopping),
            ReadAllAsync(call.ResponseStream, configs.Writer, () => OnAnswer(address, answered), session.Token),
        ];
        var first = await Task.WhenAny(tasks);
        session.Cancel();
        configs.Writer.TryComplete();
        await Task.WhenAll(tasks).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!stopping.IsCancellationRequested)
        {
            await first;
            ControlLog.ControllerStreamEnded(_logger, ControllerAddress.Display(address));
        }
    }

    private Hello Hello() => LinkMessages.Hello(_options.Node, _journal.BootId, _agent.Facts(), _agent.Managed);

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

            // The controller takes events only for instances it knows this node runs: one that started since the last
            // snapshot (a push, a reload) is in a snapshot sent before its first event.
            var reported = _reported;
            if (entries.Any(e => !reported.Contains(e.Event.Instance)) && Snapshot() is var fresh && !_reported.SetEquals(reported))
            {
                await outgoing.WriteAsync(fresh, ct);
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
            await outgoing.WriteAsync(new AgentMessage { Counters = LinkMessages.Counters(_agent.Runners, _time.GetUtcNow()) }, ct);
            await outgoing.WriteAsync(Snapshot(), ct);
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
                case ControllerMessage.BodyOneofCase.Certificate:
                    _renewed.Writer.TryWrite(stream.Current.Certificate);
                    break;
                default:
                    ControlLog.UnknownControllerMessage(_logger, stream.Current.BodyCase.ToString());
                    break;
            }
        }
    }

    /// <summary>
    /// A SIGHUP reload of the host's own file was refused: the controller records it as a rejected config with these
    /// errors (and alerts on it as on a rejected push), sent now or at the next connection.
    /// </summary>
    public void ReportLocalRefusal(string path, IReadOnlyList<string> errors)
    {
        var refused = new ConfigApplied { DesiredHash = "", Accepted = false, Running = LinkMessages.Revision(_agent.Managed) };
        refused.Errors.Add($"reload of {path} refused; the running configuration stays");
        refused.Errors.AddRange(errors.Take(MaxRefusalErrors));
        _refusals.Writer.TryWrite(refused);
    }

    private async Task PumpRefusalsAsync(ChannelWriter<AgentMessage> outgoing, CancellationToken ct)
    {
        await foreach (var refused in _refusals.Reader.ReadAllAsync(ct))
        {
            await outgoing.WriteAsync(new AgentMessage { Applied = refused }, ct);
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
            outgoing.TryWrite(Snapshot());
        }
    }

    /// <summary>The instances as they run now; their names are what the controller has been told this node runs.</summary>
    private AgentMessage Snapshot()
    {
        var snapshot = LinkMessages.Snapshot(_agent.Runners, _time.GetUtcNow());
        _reported = new HashSet<string>(snapshot.Instances.Select(i => i.Instance), StringComparer.Ordinal);
        return new AgentMessage { Snapshot = snapshot };
    }

    /// <summary>
    /// An enrolled agent asks for a new certificate, over a new key, two thirds into the current one's life; the stream
    /// goes on, and the next connection shows the new one. A refusal or no answer is logged and tried again later, until
    /// the certificate expires (then the controller refuses the agent, which says why, and its instances keep running).
    /// </summary>
    private async Task RenewAsync(ChannelWriter<AgentMessage> outgoing, CancellationToken ct)
    {
        var identity = _options.Identity;
        if (!identity.Renewable)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, _time, ct);
        }

        var retryAt = DateTimeOffset.MinValue;
        while (true)
        {
            var due = identity.RenewAt > retryAt ? identity.RenewAt : retryAt;
            while (due - _time.GetUtcNow() is var wait && wait > TimeSpan.Zero)
            {
                await Task.Delay(wait < TimeSpan.FromDays(1) ? wait : TimeSpan.FromDays(1), _time, ct);
            }

            var (key, csr) = AgentIdentity.NewRequest(identity.Node);
            using (key)
            {
                while (_renewed.Reader.TryRead(out _))
                {
                    // An answer to an earlier request that came too late: not for this key.
                }

                await outgoing.WriteAsync(new AgentMessage { Renew = new RenewRequest { CsrPem = csr } }, ct);
                var problem = await ReceiveRenewalAsync(identity, key, ct);
                if (problem is null)
                {
                    ControlLog.CertificateRenewed(_logger, identity.Node, identity.Certificate.NotAfter.ToUniversalTime());
                    continue;
                }

                retryAt = _time.GetUtcNow() + _options.RenewalRetry;
                ControlLog.RenewalFailed(_logger, problem, identity.Certificate.NotAfter.ToUniversalTime());
            }
        }
    }

    /// <summary>Null when the answer was a certificate for this node over <paramref name="key"/> and it is stored; else why not.</summary>
    private async Task<string?> ReceiveRenewalAsync(AgentIdentity identity, System.Security.Cryptography.ECDsa key, CancellationToken ct)
    {
        RenewedCertificate answer;
        try
        {
            answer = await _renewed.Reader.ReadAsync(ct).AsTask().WaitAsync(_options.RenewalRetry, _time, ct);
        }
        catch (TimeoutException)
        {
            return $"no answer within {_options.RenewalRetry.TotalSeconds:0} s";
        }

        if (answer.Error.Length > 0)
        {
            return "the controller refused: " + answer.Error;
        }

        try
        {
            var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(answer.CertificatePem);
            var ca = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(answer.CaPem);
            if (AgentIdentity.Check(certificate, key, ca, identity.Node) is { } wrong)
            {
                return wrong;
            }

            identity.Renewed(certificate, key, ca);
            return null;
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            return "unusable answer: " + e.Message;
        }
    }

    /// <summary>The first message of a session: the controller is there (backoff resets).</summary>
    private void OnAnswer(Uri address, Action answered)
    {
        if (_connected)
        {
            return;
        }

        answered();
        _connected = true;
        _lastError = null;
        ControlLog.ControllerConnected(_logger, ControllerAddress.Display(address), _options.Node, _journal.Count, Interlocked.Increment(ref _sessions));
    }

    private void ReportFailure(Uri address, Exception e)
    {
        var message = e is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : $"{e.GetType().Name}: {e.Message}";
        if (message != _lastError)
        {
            // Once per distinct error, not at every retry: an unreachable controller must not flood the log.
            _lastError = message;
            ControlLog.ControllerUnreachable(_logger, ControllerAddress.Display(address), message, _journal.Count);
        }
    }

    /// <summary>The link's Prometheus lines, appended to the agent's /metrics.</summary>
    public string Metrics() =>
        "# HELP hacluster_controller_connected whether the agent is connected to a controller\n# TYPE hacluster_controller_connected gauge\n"
        + $"hacluster_controller_connected {(_connected ? 1 : 0)}\n"
        + "# HELP hacluster_journal_events events waiting for the controller's acknowledgement\n# TYPE hacluster_journal_events gauge\n"
        + $"hacluster_journal_events {_journal.Count}\n"
        + "# HELP hacluster_journal_dropped_total events dropped because the journal was full\n# TYPE hacluster_journal_dropped_total counter\n"
        + $"hacluster_journal_dropped_total {_journal.Dropped}\n";
}
