using System.Net;
using System.Net.Http.Json;
using Grpc.Core;
using HaCluster.Contracts;
using HaCluster.Controller.Data.Entities;
using HaCluster.Controller.Domain;
using HaCluster.Controller.Groups;
using HaCluster.Controller.Tests.Infrastructure;
using HaCluster.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace HaCluster.Controller.Tests;

/// <summary>The agent link with simulated agents speaking the real protocol, run once per storage provider.</summary>
public abstract class AgentLinkTests(IStorageBackend backend)
{
    private const string Instance = "HC_web";

    [SkippableFact]
    public async Task Hello_NodeBecomesKnownAndConnected_AndReceivesItsConfig()
    {
        await using var app = await ControllerApp.StartAsync(backend.NewSettings());
        await app.CreateClient().PostAsync("/api/v1/groups", Samples.Json(Samples.Web));
        using var agents = app.Agents();

        await using var n1 = await SimulatedAgent.ConnectAsync(agents, "n1", ["192.0.2.10/24"]);
        var config = await n1.NextConfigAsync();

        Assert.Equal(GroupRenderer.RenderNode([Samples.Web], "n1"), config.Text);
        Assert.Equal(GroupRenderer.Hash(config.Text), config.Hash);
        Assert.Equal([("web", 1)], config.Groups.Select(g => (g.Group, g.Revision)));
        var node = await app.CreateClient().GetFromJsonAsync<NodeDto>("/api/v1/nodes/n1");
        Assert.True(node!.Connected);
        Assert.Equal(["192.0.2.10/24"], node.Addresses);
        Assert.Equal(config.Hash, node.DesiredHash);
    }

    [SkippableFact]
    public async Task FirstMessageNotHello_StreamEndsWithFailedPrecondition()
    {
        await using var app = await ControllerApp.StartAsync(backend.NewSettings());
        using var agents = app.Agents();
        await using var raw = SimulatedAgent.Open(await agents.ForAsync("n1"));

        await raw.SendAsync(new AgentMessage { Snapshot = new InstanceSnapshot() });

        Assert.Equal(StatusCode.FailedPrecondition, (await raw.WaitForEndAsync()).StatusCode);
    }

    [SkippableTheory]
    [InlineData("n 1", "abc")]
    [InlineData("", "abc")]
    [InlineData("n1", "")]
    [InlineData("n1", "boot/with/slashes")]
    public async Task HelloWithBadIdentity_StreamEndsWithInvalidArgumentNamingIt(string node, string bootId)
    {
        await using var app = await ControllerApp.StartAsync(backend.NewSettings());
        using var agents = app.Agents();

        await using var agent = await SimulatedAgent.ConnectAsync(agents, "n1", ["192.0.2.10/24"], bootId: bootId, helloAs: node);

        var status = await agent.WaitForEndAsync();
        Assert.Equal(StatusCode.InvalidArgument, status.StatusCode);
        Assert.Contains(node.Length == 0 || node.Contains(' ') ? "node" : "boot_id", status.Detail, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Events_ReplayedOnAnotherStream_StoredExactlyOnceAndAcknowledged()
    {
        await using var app = await ControllerApp.StartAsync(backend.NewSettings());
        using var agents = app.Agents();
        var bootId = Guid.NewGuid().ToString("N");
        StateEvent[] events;
        await using (var first = await SimulatedAgent.ConnectAsync(agents, "n1", ["192.0.2.10/24"], bootId: bootId))
        {
            events =
            [
                first.Transition(Instance, VrrpState.Init, VrrpState.Backup, TransitionReason.Startup),
                first.Transition(Instance, VrrpState.Backup, VrrpState.Master),
                first.Transition(Instance, VrrpState.Master, VrrpState.Backup, TransitionReason.HigherPriorityHeard),
            ];
            await first.SendEventsAsync(events[..2]);
            await first.WaitForAckAsync(2);
        }

        // The acknowledgement of 3 was "lost": the agent sends everything it holds again, on a new stream.
        await using var second = await SimulatedAgent.ConnectAsync(agents, "n1", ["192.0.2.10/24"], bootId: bootId);
        await second.SendEventsAsync(events);
        await second.WaitForAckAsync(3);

        var stored = await app.QueryAsync(db => db.Events.Where(e => e.Kind == EventKinds.Transition).OrderBy(e => e.Sequence).ToListAsync());
        Assert.Equal([1L, 2L, 3L], stored.Select(e => e.Sequence!.Value));
        Assert.All(stored, e => Assert.Equal(("n1", bootId, "web"), (e.Node, e.BootId, e.GroupName)));
        Assert.Equal(["BACKUP", "MASTER", "BACKUP"], stored.Select(e => e.ToState));
    }

    [SkippableFact]
    public async Task BatchOutOfOrder_EveryEventStoredNoneTakenForAReplay()
    {
        await using var app = await ControllerApp.StartAsync(backend.NewSettings());
        using var agents = app.Agents();
        await using var n1 = await SimulatedAgent.ConnectAsync(agents, "n1", ["192.0.2.10/24"]);
        var first = n1.Transition(Instance, VrrpState.Init, VrrpState.Backup, TransitionReason.Startup);
        var second = n1.Transition(Instance, VrrpState.Backup, VrrpState.Master);

        await n1.SendEventsAsync(second, first);
        await n1.WaitForAckAsync(2);

        Assert.Equal([1L, 2L], await app.QueryAsync(db => db.Events.Where(e => e.Kind == EventKinds.Transition).Select(e => e.Sequence!.Value).OrderBy(s => s).ToListAsync()));
    }

    [SkippableFact]
    public async Task MalformedEvents_DroppedAndCounted_StillAcknowledged_ValidOnesStored()
    {
        await using var app = await ControllerApp.StartAsync(backend.NewSettings());
        using var agents = app.Agents();
        await using var n1 = await SimulatedAgent.ConnectAsync(agents, "n1", ["192.0.2.10/24"]);
        var good = n1.Transition(Instance, VrrpState.Init, VrrpState.Backup, TransitionReason.Startup);
        var noState = n1.Transition(Instance, VrrpState.Backup, VrrpState.Unspecified);
        var badTime = n1.Transition(Instance, VrrpState.Backup, VrrpState.Master);
        badTime.At = new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = long.MaxValue };
        var noInstance = n1.Transition("", VrrpState.Backup, VrrpState.Master);
        var unknownReason = n1.Transition(Instance, VrrpState.Backup, VrrpState.Master, reason: (TransitionReason)999);
        string[] reasons = ["event_state", "event_timestamp", "event_instance", "event_reason"];
        var before = await DropCountsAsync(app, reasons);

        await n1.SendEventsAsync(good, noState, badTime, noInstance, unknownReason);
        await n1.WaitForAckAsync(5);

        var stored = await app.QueryAsync(db => db.Events.Where(e => e.Kind == EventKinds.Transition).ToListAsync());
        Assert.Equal(1L, Assert.Single(stored).Sequence);
        var after = await DropCountsAsync(app, reasons);
        Assert.Equal(reasons.Select(_ => 1d), reasons.Select(r => after[r] - before[r]));
    }

    [SkippableFact]
    public async Task EventsForInstancesTheNodeDoesNotRun_DroppedAndCounted_ItsOwnStored()
    {
        await using var app = await ControllerApp.StartAsync(backend.NewSettings());
        await app.CreateClient().PostAsync("/api/v1/groups", Samples.Json(Samples.Web with { Members = [.. Samples.Web.Members.Where(m => m.Node != "n3")] }));
        using var agents = app.Agents();
        await using var n3 = await SimulatedAgent.ConnectAsync(agents, "n3", ["192.0.2.12/24"]);
        n3.AnnouncesInstances = false;
        await n3.SendAsync(new AgentMessage { Snapshot = new InstanceSnapshot { Instances = { new InstanceState { Instance = "VI_own", State = VrrpState.Backup } } } });
        string[] reasons = ["event_instance_not_run"];
        var before = await DropCountsAsync(app, reasons);

        // HC_web is a group n3 is not a member of; VI_other was never in its snapshots; VI_own was.
        await n3.SendEventsAsync(
            n3.Transition(Instance, VrrpState.Backup, VrrpState.Master),
            n3.Transition("VI_other", VrrpState.Backup, VrrpState.Master),
            n3.Transition("VI_own", VrrpState.Backup, VrrpState.Master));
        await n3.WaitForAckAsync(3);

        var stored = await app.QueryAsync(db => db.Events.Where(e => e.Kind == EventKinds.Transition).Select(e => e.Instance).ToListAsync());
        Assert.Equal(["VI_own"], stored);
        Assert.Equal(2d, (await DropCountsAsync(app, reasons))["event_instance_not_run"] - before["event_instance_not_run"]);
    }

    /// <summary>The drop counters are process-wide (Prometheus' default registry): compare before and after.</summary>
    private static async Task<Dictionary<string, double>> DropCountsAsync(ControllerApp app, string[] reasons)
    {
        var lines = (await app.CreateClient().GetStringAsync("/metrics")).Split('\n');
        return reasons.ToDictionary(r => r, r => lines
            .Where(l => l.StartsWith($"hacluster_controller_agent_messages_dropped_total{{reason=\"{r}\"}} ", StringComparison.Ordinal))
            .Select(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture))
            .SingleOrDefault());
    }

    [SkippableFact]
    public async Task GroupSaved_ConnectedMembersReceiveTheirOwnConfig_NonMembersNothing()
    {
        await using var app = await ControllerApp.StartAsync(backend.NewSettings());
        using var agents = app.Agents();
        await using var n1 = await SimulatedAgent.ConnectAsync(agents, "n1", ["192.0.2.10/24"]);
        await using var n2 = await SimulatedAgent.ConnectAsync(agents, "n2", ["192.0.2.11/24"]);
        await using var n3 = await SimulatedAgent.ConnectAsync(agents, "n3", ["192.0.2.12/24"]);
        foreach (var agent in new[] { n1, n2, n3 })
        {
            await agent.NextConfigAsync();
        }

        await app.CreateClient().PostAsync("/api/v1/groups", Samples.Json(Samples.Web));

        var c1 = await n1.NextConfigAsync();
        var c2 = await n2.NextConfigAsync();
        Assert.Contains("unicast_src_ip 192.0.2.10", c1.Text, StringComparison.Ordinal);
        Assert.Contains("unicast_src_ip 192.0.2.11", c2.Text, StringComparison.Ordinal);
        // The member's own agent, and only it, gets the real password; people and tools see it redacted.
        Assert.Equal(GroupRenderer.RenderFor(Samples.Web, "n2"), c2.Text);
        Assert.Contains("auth_pass 1111", c2.Text, StringComparison.Ordinal);
        Assert.Equal(Secrets.RedactConfig(c2.Text), await app.CreateClient().GetStringAsync("/api/v1/groups/web/config/n2"));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => n3.NextConfigAsync(TimeSpan.FromMilliseconds(500)));
    }

    [SkippableFact]
    public async Task Reports_OneMasterAllApplied_StatusOkWithMasterAndLastFailover()
    {
        await using var app = await ControllerApp.StartAsync(Fast(backend));
        await app.CreateClient().PostAsync("/api/v1/groups", Samples.Json(Samples.Web));
        using var agents = app.Agents();
        await using var n1 = await ConnectAppliedAsync(agents, "n1", "192.0.2.10");
        await using var n2 = await ConnectAppliedAsync(agents, "n2", "192.0.2.11");

        var master = n1.Transition(Instance, VrrpState.Backup, VrrpState.Master);
        await n1.SendEventsAsync(master);
        await n2.SendEventsAsync(n2.Transition(Instance, VrrpState.Init, VrrpState.Backup, TransitionReason.Startup, 80));
        await n2.WaitForAckAsync(1);
        var status = await WaitForHealthAsync(app, "ok");

        Assert.Equal("n1", status.MasterNode);
        Assert.Equal(["MASTER", "BACKUP"], status.Members.Select(m => m.State));
        Assert.All(status.Members, m => Assert.True(m.Connected && !m.Drift && m.AppliedRevision == 1));
        Assert.Equal(master.At.ToDateTimeOffset(), status.LastFailoverAt);
        Assert.Empty(status.Problems);
    }

    [SkippableFact]
    public async Task TwoMastersHeld_SplitBrain_StoredAsHealthEventNamingBoth()
    {
        await using var app = await ControllerApp.StartAsync(Fast(backend));
        await app.CreateClient().PostAsync("/api/v1/groups", Samples.Json(Samples.Web));
        using var agents = app.Agents();
        await using var n1 = await ConnectAppliedAsync(agents, "n1", "192.0.2.10");
        await using var n2 = await ConnectAppliedAsync(agents, "n2", "192.0.2.11");

        await n1.SendEventsAsync(n1.Transition(Instance, VrrpState.Backup, VrrpState.Master));
        await n2.SendEventsAsync(n2.Transition(Instance, VrrpState.Backup, VrrpState.Master, priority: 80));

        var status = await WaitForHealthAsync(app, "split_brain");
        Assert.Contains("2 masters: n1, n2", status.Problems);
        // The live status shows it at once; the stored event follows once the health has held for HealthSettle.
        var health = await WaitForAsync(async () =>
            await app.QueryAsync(db => db.Events.Where(e => e.Kind == EventKinds.Health && e.ToState == "split_brain").ToListAsync()) is { Count: > 0 } l ? l : null);
        await Task.Delay(500); // a second settle period: still exactly one
        health = await app.QueryAsync(db => db.Events.Where(e => e.Kind == EventKinds.Health && e.ToState == "split_brain").ToListAsync());
        Assert.Equal("web", Assert.Single(health).GroupName);
    }

    [SkippableFact]
    public async Task MemberHangsUp_UnreachableAndNodeEventStored()
    {
        await using var app = await ControllerApp.StartAsync(Fast(backend));
        await app.CreateClient().PostAsync("/api/v1/groups", Samples.Json(Samples.Web));
        using var agents = app.Agents();
        await using var n1 = await ConnectAppliedAsync(agents, "n1", "192.0.2.10");
        var n2 = await ConnectAppliedAsync(agents, "n2", "192.0.2.11");
        await n1.SendEventsAsync(n1.Transition(Instance, VrrpState.Backup, VrrpState.Master));
        await WaitForHealthAsync(app, "ok");

        await n2.DisposeAsync();

        var status = await WaitForHealthAsync(app, "unreachable");
        Assert.Contains("n2 unreachable", status.Problems);
        Assert.False(status.Members.Single(m => m.Node == "n2").Connected);
        var nodeEvents = await WaitForAsync(async () =>
            await app.QueryAsync(db => db.Events.Where(e => e.Kind == EventKinds.Node && e.Node == "n2").OrderBy(e => e.Id).ToListAsync()) is { Count: > 0 } l && l[^1].ToState == "disconnected" ? l : null);
        Assert.Equal("disconnected", nodeEvents[^1].ToState);
    }

    [SkippableFact]
    public async Task GroupChangedButMemberKeepsOldRevision_DriftNamesTheMember()
    {
        await using var app = await ControllerApp.StartAsync(Fast(backend));
        var client = app.CreateClient();
        await client.PostAsync("/api/v1/groups", Samples.Json(Samples.Web));
        using var agents = app.Agents();
        await using var n1 = await ConnectAppliedAsync(agents, "n1", "192.0.2.10");
        await using var n2 = await ConnectAppliedAsync(agents, "n2", "192.0.2.11");
        await n1.SendEventsAsync(n1.Transition(Instance, VrrpState.Backup, VrrpState.Master));
        await WaitForHealthAsync(app, "ok");

        await client.PutAsync("/api/v1/groups/web", Samples.Json(Samples.Web with { AdvertInterval = 2 }));
        await n1.SendAppliedAsync(await n1.NextConfigAsync());

        var status = await WaitForHealthAsync(app, "drift");
        Assert.Equal(["n2 runs revision 1 of 2"], status.Problems);
        Assert.Equal([false, true], status.Members.Select(m => m.Drift));
    }

    [SkippableFact]
    public async Task Takeover_MasterLastHeard_TakeoverTimeStored()
    {
        await using var app = await ControllerApp.StartAsync(backend.NewSettings());
        using var agents = app.Agents();
        await using var n2 = await SimulatedAgent.ConnectAsync(agents, "n2", ["192.0.2.11/24"]);
        var at = DateTimeOffset.UtcNow;
        var takeover = n2.Transition(Instance, VrrpState.Backup, VrrpState.Master, TransitionReason.MasterDownTimer, 80, at);
        takeover.MasterLastHeardAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(at.AddMilliseconds(-3609));

        await n2.SendEventsAsync(takeover);
        await n2.WaitForAckAsync(1);

        var stored = await app.QueryAsync(db => db.Events.SingleAsync(e => e.Kind == EventKinds.Transition));
        Assert.Equal(3609, stored.TakeoverMs!.Value, precision: 0);
    }

    [SkippableFact]
    public async Task ReplayedOldEventAfterSnapshot_StoredButDoesNotTurnTheStateBack()
    {
        await using var app = await ControllerApp.StartAsync(backend.NewSettings());
        await app.CreateClient().PostAsync("/api/v1/groups", Samples.Json(Samples.Web));
        using var agents = app.Agents();
        await using var n1 = await SimulatedAgent.ConnectAsync(agents, "n1", ["192.0.2.10/24"]);
        var now = DateTimeOffset.UtcNow;
        var snapshot = new InstanceSnapshot();
        snapshot.Instances.Add(new InstanceState
        {
            Instance = Instance,
            State = VrrpState.Master,
            Priority = 100,
            BasePriority = 100,
            LastTransitionAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(now),
            LastReason = TransitionReason.MasterDownTimer,
        });
        await n1.SendAsync(new AgentMessage { Snapshot = snapshot });

        await n1.SendEventsAsync(n1.Transition(Instance, VrrpState.Init, VrrpState.Backup, TransitionReason.Startup, at: now.AddSeconds(-5)));
        await n1.WaitForAckAsync(1);

        var status = await app.CreateClient().GetFromJsonAsync<StatusDto>("/api/v1/groups/web/status");
        Assert.Equal("MASTER", status!.Members.Single(m => m.Node == "n1").State);
        Assert.Equal(1, await app.QueryAsync(db => db.Events.CountAsync(e => e.Kind == EventKinds.Transition)));
    }

    [SkippableFact]
    public async Task ConfigRejectedByAgent_StoredAsConfigEventWithTheErrors()
    {
        await using var app = await ControllerApp.StartAsync(backend.NewSettings());
        using var agents = app.Agents();
        await using var n1 = await SimulatedAgent.ConnectAsync(agents, "n1", ["192.0.2.10/24"]);

        await n1.SendAppliedAsync(await n1.NextConfigAsync(), accepted: false, "/etc/keepalived/keepalived.conf:4: VRID 27 on eth0 is also used by VI_1");

        var rejected = await WaitForAsync(() => app.QueryAsync(db => db.Events.SingleOrDefaultAsync(e => e.Kind == EventKinds.Config && e.ToState == "rejected")));
        Assert.Contains("keepalived.conf:4: VRID 27", rejected.Detail, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Fast(IStorageBackend backend) =>
        new(backend.NewSettings()) { ["Fleet:HealthSettle"] = "00:00:00.100", ["Fleet:PublishInterval"] = "00:00:00.050" };

    /// <summary>Connects, receives the config and answers that it runs it, as the agent does.</summary>
    private static async Task<SimulatedAgent> ConnectAppliedAsync(AgentChannels agents, string node, string address)
    {
        var agent = await SimulatedAgent.ConnectAsync(agents, node, [$"{address}/24"]);
        await agent.SendAppliedAsync(await agent.NextConfigAsync());
        return agent;
    }

    private static async Task<StatusDto> WaitForHealthAsync(ControllerApp app, string health)
    {
        var client = app.CreateClient();
        return await WaitForAsync(async () =>
            await client.GetFromJsonAsync<StatusDto>("/api/v1/groups/web/status") is { } s && s.Health == health ? s : null);
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe)
        where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, "timed out waiting");
            await Task.Delay(50); // waits for the controller's ingest and fleet monitor (background services) get there on their own
        }
    }

    private sealed record NodeDto(string Name, string[] Addresses, bool Connected, string? DesiredHash);

    private sealed record MemberDto(string Node, bool Connected, string State, int? AppliedRevision, bool Drift);

    private sealed record StatusDto(string Health, string[] Problems, MemberDto[] Members, string? MasterNode, DateTimeOffset? LastFailoverAt);
}

public sealed class SqliteAgentLinkTests(SqliteBackendFixture sqlite) : AgentLinkTests(sqlite.Backend), IClassFixture<SqliteBackendFixture>;

[Collection(PostgresCollection.Name)]
public sealed class PostgresAgentLinkTests(PostgresServer server) : AgentLinkTests(new PostgresBackend(server));
