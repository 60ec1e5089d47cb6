using Grpc.Core;
using HaCluster.Contracts;
using HaCluster.Controller.Data;
using HaCluster.Controller.Domain;
using HaCluster.Controller.Events;
using HaCluster.Controller.Fleet;
using HaCluster.Controller.Groups;
using HaCluster.Controller.Pki;
using HaCluster.Controller.Security;
using HaCluster.Shared.Vocabulary;
using Microsoft.AspNetCore.Authorization;

namespace HaCluster.Controller.Agents;

/// <summary>
/// The agents' stream (gRPC <c>AgentLink.Connect</c>), for agents' certificates only (<see cref="Policies.Agent"/>): hello
/// first (else FAILED_PRECONDITION), naming the node of the certificate (else PERMISSION_DENIED), then snapshots, event
/// batches, counters, config results and certificate renewals in; desired configs, acknowledgements and renewed
/// certificates out, written by the session. Events for instances the node does not run are dropped and counted.
/// </summary>
[Authorize(Policy = Policies.Agent)]
public sealed partial class AgentLinkService(
    AgentSessions sessions, DesiredState desired, FleetState fleet, EventIngest ingest, NodeRepository nodes, Credentials credentials,
    IngestMetrics metrics, IHostApplicationLifetime lifetime, TimeProvider clock, ILogger<AgentLinkService> logger) : AgentLink.AgentLinkBase
{
    private static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(10);

    public override async Task Connect(IAsyncStreamReader<AgentMessage> requestStream, IServerStreamWriter<ControllerMessage> responseStream, ServerCallContext context)
    {
        var hello = await ReadHelloAsync(requestStream, context);
        var caller = context.GetHttpContext();
        var certificate = caller.Connection.ClientCertificate!;
        if (caller.User.Identity?.Name != hello.Name)
        {
            throw Reject(StatusCode.PermissionDenied, $"this stream is authenticated as node {caller.User.Identity?.Name} (its certificate), but its hello names {hello.Name}", context.Peer);
        }

        await nodes.UpsertAsync(hello, context.CancellationToken);

        // Ends with the call, or when the controller stops: a shutdown must not wait for agents to hang up.
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        using var session = new AgentSession(hello.Name, hello.BootId, context.Peer, certificate, responseStream, clock, ended.Token);
        if (sessions.Open(session) is { } replaced)
        {
            AgentsLog.AgentReplaced(logger, hello.Name, replaced.Peer, session.Peer);
        }

        fleet.Connected(hello, session.Id);
        ingest.Record(FleetEvent.NodeLink(hello.Name, connected: true, $"agent {hello.AgentVersion}, boot {hello.BootId}, from {context.Peer}", clock.GetUtcNow()));
        AgentsLog.AgentConnected(logger, hello.Name, context.Peer, hello.AgentVersion, hello.Running.Hash);
        // Always, even when the agent runs it already: it is also the answer to the hello (the agent then knows a
        // controller is there) and the agent's reply confirms what it runs.
        session.SendConfig(desired.ConfigFor(hello.Name));

        var writer = session.RunWriterAsync();
        try
        {
            await ReadAllAsync(requestStream, session);
        }
        catch (OperationCanceledException) when (session.Closed.IsCancellationRequested)
        {
            // The agent connected again on another stream, or the controller stops.
        }
        catch (IOException)
        {
            // The agent's connection broke (it died or the path to it did): the same as hanging up.
        }
        finally
        {
            session.Close();
            if (session.Refusal is { } refusal)
            {
                metrics.Dropped("stream_unauthenticated");
                AgentsLog.StreamRefused(logger, context.Peer, nameof(StatusCode.Unauthenticated), refusal);
            }

            await writer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            sessions.Close(session);
            if (fleet.Disconnected(hello.Name, session.Id))
            {
                ingest.Record(FleetEvent.NodeLink(hello.Name, connected: false, $"boot {hello.BootId}, from {context.Peer}", clock.GetUtcNow()));
                AgentsLog.AgentDisconnected(logger, hello.Name, context.Peer);
            }
        }

        if (session.Refusal is { } reason)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, reason));
        }
    }

    private async Task<NodeHello> ReadHelloAsync(IAsyncStreamReader<AgentMessage> requests, ServerCallContext context)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        timeout.CancelAfter(HelloTimeout);
        bool any;
        try
        {
            any = await requests.MoveNext(timeout.Token);
        }
        catch (OperationCanceledException) when (!context.CancellationToken.IsCancellationRequested)
        {
            throw Reject(StatusCode.DeadlineExceeded, "no hello within 10 s", context.Peer);
        }

        if (!any || requests.Current.BodyCase != AgentMessage.BodyOneofCase.Hello)
        {
            throw Reject(StatusCode.FailedPrecondition, "the first message of a stream must be a hello", context.Peer);
        }

        return AgentMessages.ToHello(requests.Current.Hello, out var problem) ?? throw Reject(StatusCode.InvalidArgument, problem!, context.Peer);
    }

    private async Task ReadAllAsync(IAsyncStreamReader<AgentMessage> requests, AgentSession session)
    {
        while (await requests.MoveNext(session.Closed))
        {
            var message = requests.Current;
            switch (message.BodyCase)
            {
                case AgentMessage.BodyOneofCase.Snapshot:
                    var instances = AgentMessages.ToInstances(message.Snapshot, Drop);
                    session.Runs(instances.Keys);
                    fleet.Snapshot(session.Node, instances);
                    break;
                case AgentMessage.BodyOneofCase.Events:
                    await IngestAsync(session, message.Events);
                    break;
                case AgentMessage.BodyOneofCase.Counters:
                    fleet.Counters(session.Node, AgentMessages.ToCounts(message.Counters));
                    break;
                case AgentMessage.BodyOneofCase.Applied:
                    Applied(session, message.Applied);
                    break;
                case AgentMessage.BodyOneofCase.Renew:
                    await RenewAsync(session, message.Renew);
                    break;
                default:
                    Drop(message.BodyCase == AgentMessage.BodyOneofCase.Hello ? "repeated_hello" : "unknown_message");
                    break;
            }
        }
    }

    private async Task IngestAsync(AgentSession session, StateEventBatch batch)
    {
        var now = clock.GetUtcNow();
        var events = new List<FleetEvent>(batch.Events.Count);
        foreach (var e in batch.Events)
        {
            if (AgentMessages.ToEvent(session.Node, e, now, out var reason) is { } @event)
            {
                if (Runs(session, e))
                {
                    events.Add(@event);
                }
                else
                {
                    AgentsLog.EventForOthersInstance(logger, session.Node, e.Instance);
                    Drop("event_instance_not_run");
                }
            }
            else
            {
                Drop("event_" + reason);
            }
        }

        // Dropped events are acknowledged with the rest: the agent must not send them again forever.
        var acks = batch.Events.Where(e => e.Sequence is > 0 and <= long.MaxValue && e.BootId.Length is > 0 and <= 64)
            .GroupBy(e => e.BootId).Select(g => (g.Key, g.Max(e => e.Sequence))).ToList();
        await ingest.EnqueueAsync(session, fleet.WithContexts(events), acks, session.Closed);
    }

    /// <summary>
    /// Whether <paramref name="session"/>'s node runs the event's instance: one it reported or was sent during this stream;
    /// a group's instance while the node is a member; or, replayed from an earlier boot, one of its own unmanaged instances.
    /// </summary>
    private bool Runs(AgentSession session, StateEvent e)
    {
        if (session.HasRun(e.Instance))
        {
            return true;
        }

        return AgentMessages.GroupOf(e.Instance) is { } group
            ? desired.ConfigFor(session.Node).Groups.Any(g => g.Group == group)
            : e.BootId != session.BootId;
    }

    /// <summary>A new certificate for the node this stream is authenticated as; the stream then lasts as long as it.</summary>
    private async Task RenewAsync(AgentSession session, RenewRequest request)
    {
        try
        {
            var renewed = await credentials.RenewAsync(session.Serial, session.Node, Role.Agent, request.CsrPem, session.Closed);
            session.SendCertificate(new RenewedCertificate { CertificatePem = renewed.ExportCertificatePem() + "\n", CaPem = credentials.CaPem }, renewed);
        }
        catch (PkiRefusedException e)
        {
            AgentsLog.RenewalRefused(logger, session.Node, e.Message);
            session.SendCertificate(new RenewedCertificate { Error = e.Message }, null);
        }
    }

    private void Applied(AgentSession session, ConfigApplied applied)
    {
        var errors = AgentMessages.Errors(applied);
        if (applied.Accepted)
        {
            fleet.Applied(session.Node, AgentMessages.ToApplied(applied.Running));
        }

        var revisions = string.Join(", ", applied.Running?.Groups.Select(g => $"{g.Group}@{g.Revision}") ?? []);
        ingest.Record(FleetEvent.ConfigResult(session.Node, applied.Accepted, applied.Accepted ? $"runs {revisions}" : string.Join("\n", errors), clock.GetUtcNow()));
        if (!applied.Accepted)
        {
            AgentsLog.ConfigRejected(logger, session.Node, errors.Count, string.Join("; ", errors));
        }
    }

    private void Drop(string reason)
    {
        metrics.Dropped(reason);
        AgentsLog.MessageDropped(logger, reason);
    }

    private RpcException Reject(StatusCode code, string reason, string peer)
    {
        metrics.Dropped("stream_" + code.ToString().ToLowerInvariant());
        AgentsLog.StreamRefused(logger, peer, code.ToString(), reason);
        return new RpcException(new Status(code, reason));
    }
}
