using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using HaCluster.Contracts;
using HaCluster.Controller.Tests.Infrastructure;
using HaCluster.TestSupport;

namespace HaCluster.Controller.Tests;

/// <summary>
/// Planned work through the REST API, with simulated agents that answer a push the way real ones do (the real handoff
/// over VRRP is in the namespace tests): a switchover and what it reports, its refusals, a node's maintenance.
/// </summary>
public sealed partial class OperationsTests(SqliteBackendFixture sqlite) : IClassFixture<SqliteBackendFixture>
{
    private const string Instance = "HC_web";

    [Fact]
    public async Task Switchover_TargetChosenAndRaised_TheAgentsReportsMakeTheResult_StoredAsAnOperationWithWhoAsked()
    {
        await using var app = await ControllerApp.StartAsync(sqlite.Backend.NewSettings());
        await using var pair = await Pair.StartAsync(app);
        using var operatorClient = app.Client(await app.IssueAsync("otto", HaCluster.Shared.Vocabulary.Role.Operator));

        var response = await operatorClient.PostAsJsonAsync("/api/v1/groups/web/switchover", new { to = "n2", comment = "patch n1" });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("n1", "n2", true), (body.GetProperty("from").GetString(), body.GetProperty("to").GetString(), body.GetProperty("completed").GetBoolean()));
        Assert.True(body.GetProperty("tookMs").GetDouble() >= 0);
        Assert.Equal(300, body.GetProperty("lingerMs").GetDouble());
        Assert.Contains("n2 took over", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("n1 stepped down", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        // The chosen member is raised just above the other and every member knows whom it hands over to.
        Assert.Contains("priority 101\n", pair.LastConfig("n2"), StringComparison.Ordinal);
        Assert.Contains("priority 100\n", pair.LastConfig("n1"), StringComparison.Ordinal);
        Assert.All(["n1", "n2"], n => Assert.Contains("hacluster_primary 192.0.2.11\n    hacluster_linger 0.3\n", pair.LastConfig(n), StringComparison.Ordinal));

        using var admin = app.CreateClient();
        var group = await admin.GetFromJsonAsync<JsonElement>("/api/v1/groups/web");
        Assert.Equal("n2", group.GetProperty("primary").GetString());
        var revisions = await admin.GetFromJsonAsync<JsonElement[]>("/api/v1/groups/web/revisions") ?? [];
        Assert.Equal(("switchover", "otto", "patch n1"), (revisions[0].GetProperty("action").GetString(), revisions[0].GetProperty("who").GetString(), revisions[0].GetProperty("comment").GetString()));
        var operation = await WaitForEventAsync(admin, "kind=operation", e => e.GetProperty("detail").GetString()!.Contains("switchover to n2 asked by operator otto", StringComparison.Ordinal));
        Assert.Equal("web", operation.GetProperty("group").GetString());

        // An edit that leaves "primary" out keeps the chosen master; "" clears it.
        Assert.True((await admin.PutAsJsonAsync("/api/v1/groups/web", new
        {
            name = "web",
            vrid = 27,
            @interface = "eth0",
            virtualIps = new[] { new { address = "192.0.2.100/32" } },
            members = new[] { new { node = "n1", address = "192.0.2.10", priority = 100 }, new { node = "n2", address = "192.0.2.11", priority = 80 } }
        })).IsSuccessStatusCode);
        Assert.Equal("n2", (await admin.GetFromJsonAsync<JsonElement>("/api/v1/groups/web")).GetProperty("primary").GetString());
    }

    [Fact]
    public async Task Switchover_Refused_WithTheReason_NoGroup_NotAMember_AlreadyMaster_InFault_Unreachable()
    {
        await using var app = await ControllerApp.StartAsync(sqlite.Backend.NewSettings());
        await using var pair = await Pair.StartAsync(app);
        using var client = app.CreateClient();

        var noGroup = await client.PostAsJsonAsync("/api/v1/groups/nope/switchover", new { to = "n2" });
        var notMember = await client.PostAsJsonAsync("/api/v1/groups/web/switchover", new { to = "n3" });
        var already = await client.PostAsJsonAsync("/api/v1/groups/web/switchover", new { to = "n1" });
        await pair.N2.SendEventsAsync(pair.N2.Transition(Instance, VrrpState.Backup, VrrpState.Fault, TransitionReason.InterfaceDown));
        await WaitAsync(async () => (await client.GetStringAsync("/api/v1/groups/web/status")).Contains("\"state\":\"FAULT\"", StringComparison.Ordinal));
        var fault = await client.PostAsJsonAsync("/api/v1/groups/web/switchover", new { to = "n2" });
        var away = await client.PostAsJsonAsync("/api/v1/groups/web/switchover", new { });
        await pair.DisconnectN2Async();
        await WaitAsync(async () => (await client.GetStringAsync("/api/v1/nodes/n2")).Contains("\"connected\":false", StringComparison.Ordinal));
        var unreachable = await client.PostAsJsonAsync("/api/v1/groups/web/switchover", new { to = "n2" });

        Assert.Equal(HttpStatusCode.NotFound, noGroup.StatusCode);
        await AssertProblem(notMember, HttpStatusCode.Conflict, "'n3' is not a member of group 'web'");
        await AssertProblem(already, HttpStatusCode.Conflict, "'n1' is the master of group 'web' already");
        await AssertProblem(fault, HttpStatusCode.Conflict, "'n2' cannot take over group 'web': is in FAULT");
        await AssertProblem(away, HttpStatusCode.Conflict, "no other member can take over: n2 is in FAULT");
        await AssertProblem(unreachable, HttpStatusCode.Conflict, "'n2' cannot take over group 'web': is unreachable");
        // Nothing was saved by a refusal.
        Assert.Single(await client.GetFromJsonAsync<JsonElement[]>("/api/v1/groups/web/revisions") ?? []);
    }

    [Fact]
    public async Task Switchover_ToAMemberWhoseAgentWentQuiet_RefusedAsStale()
    {
        // Simulated agents send no periodic report: with a 1 s limit, n2 is stale a second after it last spoke.
        var settings = new Dictionary<string, string>(sqlite.Backend.NewSettings()) { ["Fleet:StaleAfter"] = "00:00:01" };
        await using var app = await ControllerApp.StartAsync(settings);
        await using var pair = await Pair.StartAsync(app);
        using var client = app.CreateClient();
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // lets n2 go quiet for longer than the limit

        var stale = await client.PostAsJsonAsync("/api/v1/groups/web/switchover", new { to = "n2" });

        await AssertProblem(stale, HttpStatusCode.Conflict, "'n2' cannot take over group 'web': is stale (its agent was last heard");
    }

    [Fact]
    public async Task Maintenance_PreviewNamesTheMove_StartMovesTheGroupThenDrains_ShownOnTheNode_EndsByItselfAtUntil_AndSurvivesARestart()
    {
        var settings = new Dictionary<string, string>(sqlite.Backend.NewSettings()) { ["Operations:CheckInterval"] = "00:00:00.200" };
        await using (var app = await ControllerApp.StartAsync(settings))
        {
            await using var pair = await Pair.StartAsync(app);
            using var client = app.CreateClient();

            var preview = await client.GetFromJsonAsync<JsonElement[]>("/api/v1/nodes/n1/maintenance/preview") ?? [];
            var pastUntil = await client.PostAsJsonAsync("/api/v1/nodes/n1/maintenance", new { until = DateTimeOffset.UtcNow.AddMinutes(-1) });
            var unknown = await client.PostAsJsonAsync("/api/v1/nodes/n9/maintenance", new { });
            var notIn = await client.DeleteAsync("/api/v1/nodes/n1/maintenance");
            var start = await client.PostAsJsonAsync("/api/v1/nodes/n1/maintenance", new { reason = "kernel update", strict = true });
            var body = await start.Content.ReadFromJsonAsync<JsonElement>();
            var node = await client.GetFromJsonAsync<JsonElement>("/api/v1/nodes/n1");
            var status = await client.GetFromJsonAsync<JsonElement>("/api/v1/groups/web/status");

            Assert.Equal(("web", "n1", "n2"), (preview[0].GetProperty("group").GetString(), preview[0].GetProperty("from").GetString(), preview[0].GetProperty("to").GetString()));
            Assert.Equal(HttpStatusCode.BadRequest, pastUntil.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, notIn.StatusCode);
            Assert.Equal(HttpStatusCode.OK, start.StatusCode);
            var moved = Assert.Single(body.GetProperty("moved").EnumerateArray());
            Assert.Equal(("n2", true), (moved.GetProperty("to").GetString(), moved.GetProperty("completed").GetBoolean()));
            Assert.Equal("kernel update", node.GetProperty("maintenance").GetProperty("reason").GetString());
            Assert.True(status.GetProperty("members")[0].GetProperty("maintenance").GetProperty("strict").GetBoolean());
            Assert.Contains("    hacluster_maintenance strict\n", pair.LastConfig("n1"), StringComparison.Ordinal);
            Assert.DoesNotContain("hacluster_maintenance", pair.LastConfig("n2"), StringComparison.Ordinal);
            Assert.Equal(node.GetProperty("desiredHash").GetString(), Hash(pair.LastConfig("n1")));
            await WaitForEventAsync(client, "kind=operation", e => e.GetProperty("detail").GetString()!.StartsWith("n1: strict maintenance (kernel update) started by admin test-admin; web to n2: n2 took over", StringComparison.Ordinal));
        }

        // The controller restarted: the maintenance is still there, pushed again; with an until a second ahead, it ends by itself.
        await using (var app = await ControllerApp.StartAsync(settings))
        {
            using var client = app.CreateClient();
            var node = await client.GetFromJsonAsync<JsonElement>("/api/v1/nodes/n1");
            Assert.Equal("kernel update", node.GetProperty("maintenance").GetProperty("reason").GetString());
            using var agents = app.Agents();
            await using var n1 = await SimulatedAgent.ConnectAsync(agents, "n1", ["192.0.2.10/24"]);
            Assert.Contains("hacluster_maintenance strict", (await n1.NextConfigAsync()).Text, StringComparison.Ordinal);

            Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/nodes/n1/maintenance", new { until = DateTimeOffset.UtcNow.AddSeconds(1) })).StatusCode);
            Assert.DoesNotContain("strict", (await n1.NextConfigAsync()).Text, StringComparison.Ordinal);
            Assert.DoesNotContain("hacluster_maintenance", (await n1.NextConfigAsync()).Text, StringComparison.Ordinal);
            await WaitForEventAsync(client, "kind=operation", e => e.GetProperty("detail").GetString()!.Contains("ended by system the controller (maintenance until)", StringComparison.Ordinal));
            Assert.False((await client.GetFromJsonAsync<JsonElement>("/api/v1/nodes/n1")).TryGetProperty("maintenance", out var m) && m.ValueKind != JsonValueKind.Null);
        }
    }

    [Fact]
    public async Task OverGrpc_SwitchoverMaintenanceRevisionsAndRollback_AsOnRest_RefusalsInGrpcsWords()
    {
        await using var app = await ControllerApp.StartAsync(sqlite.Backend.NewSettings());
        await using var pair = await Pair.StartAsync(app);
        using var channel = app.Channel(await app.IssueAsync("otto", HaCluster.Shared.Vocabulary.Role.Operator));
        var admin = new Admin.AdminClient(channel);

        var preview = await admin.PreviewMaintenanceAsync(new NodeRef { Name = "n1" });
        var switched = await admin.SwitchoverAsync(new SwitchoverRequest { Group = "web", To = "n2", Comment = "over gRPC" });
        var again = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => admin.SwitchoverAsync(new SwitchoverRequest { Group = "web", To = "n2" }).ResponseAsync);
        var noGroup = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => admin.SwitchoverAsync(new SwitchoverRequest { Group = "nope" }).ResponseAsync);
        var drained = await admin.StartMaintenanceAsync(new StartMaintenanceRequest { Node = "n1", Reason = "disk", Strict = true });
        var pastUntil = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => admin.StartMaintenanceAsync(new StartMaintenanceRequest
        {
            Node = "n1",
            Until = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)),
        }).ResponseAsync);
        var node = (await admin.ListNodesAsync(new ListNodesRequest())).Nodes.Single(n => n.Name == "n1");
        var member = (await admin.GetGroupStatusAsync(new GroupRef { Name = "web" })).Members.Single(m => m.Node == "n1");
        await admin.EndMaintenanceAsync(new NodeRef { Name = "n1" });
        var notIn = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => admin.EndMaintenanceAsync(new NodeRef { Name = "n1" }).ResponseAsync);
        var revisions = await admin.ListRevisionsAsync(new ListRevisionsRequest { Group = "web" });
        var diff = await admin.DiffRevisionsAsync(new DiffRevisionsRequest { Group = "web", From = 1, To = 2 });
        var operatorRollback = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => admin.RollbackAsync(new RollbackRequest { Group = "web", To = 1 }).ResponseAsync);
        using var adminChannel = app.Channel(await app.IssueAsync("ada", HaCluster.Shared.Vocabulary.Role.Admin));
        var rolledBack = await new Admin.AdminClient(adminChannel).RollbackAsync(new RollbackRequest { Group = "web", To = 1, Comment = "undo" });

        Assert.Equal(("n2", ""), (preview.Moves.Single().To, preview.Moves.Single().Why));
        Assert.Equal(("n1", "n2", true, "over gRPC"), (switched.From, switched.To, switched.Completed, revisions.Revisions[^2].Comment));
        Assert.True(switched.HasTookMs);
        Assert.Equal((Grpc.Core.StatusCode.FailedPrecondition, "'n2' is the master of group 'web' already"), (again.StatusCode, again.Status.Detail));
        Assert.Equal(Grpc.Core.StatusCode.NotFound, noGroup.StatusCode);
        Assert.Equal(("disk", true, "operator otto"), (drained.Maintenance.Reason, drained.Maintenance.Strict, drained.Maintenance.By));
        Assert.Empty(drained.Moved);
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, pastUntil.StatusCode);
        Assert.Equal("disk", node.Maintenance.Reason);
        Assert.True(member.Maintenance.Strict);
        Assert.Equal(Grpc.Core.StatusCode.NotFound, notIn.StatusCode);
        Assert.Equal(["switchover", "create"], revisions.Revisions.Select(r => r.Action));
        // Revision 1 had no chosen master: the rollback brings that back too (its configs are revision 1's).
        Assert.Equal((3, ""), (rolledBack.Revision, (await admin.GetGroupAsync(new GroupRef { Name = "web" })).Primary));
        Assert.Contains(diff.Members.Single(m => m.Node == "n2").Lines, l => l == "+     hacluster_primary 192.0.2.11");
        Assert.Equal(Grpc.Core.StatusCode.PermissionDenied, operatorRollback.StatusCode);
        Assert.Equal("undo", (await admin.ListRevisionsAsync(new ListRevisionsRequest { Group = "web" })).Revisions[0].Comment);

        // Confirm-or-revert over gRPC: the save says until when; confirmed once, then there is nothing left to confirm.
        var adminClient = new Admin.AdminClient(adminChannel);
        var group = await adminClient.GetGroupAsync(new GroupRef { Name = "web" });
        group.PreemptDelay = 2;
        var risky = await adminClient.UpdateGroupAsync(new SaveGroupRequest { Group = group, ConfirmWithin = "1h" });
        var confirmed = await adminClient.ConfirmGroupAsync(new GroupRef { Name = "web" });
        var twice = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => adminClient.ConfirmGroupAsync(new GroupRef { Name = "web" }).ResponseAsync);
        var tooShort = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => adminClient.UpdateGroupAsync(new SaveGroupRequest { Group = group, ConfirmWithin = "1s" }).ResponseAsync);
        Assert.InRange(risky.ConfirmBy.ToDateTimeOffset() - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));
        Assert.Equal(risky.Revision, confirmed.Revision);
        Assert.Equal(Grpc.Core.StatusCode.NotFound, twice.StatusCode);
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, tooShort.StatusCode);
    }

    [Fact]
    public async Task Drill_OverAndBack_EachStepMeasured_ThePinClearedAsBefore_Recorded_ThenAMissingMemberFailsItWithAnAlertMail()
    {
        await using var smtp = await SmtpSink.StartAsync();
        var settings = new Dictionary<string, string>(sqlite.Backend.NewSettings())
        {
            ["Alerts:SmtpHost"] = "127.0.0.1",
            ["Alerts:SmtpPort"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Alerts:Security"] = "none", // the test's server offers no TLS (the default, starttls, would refuse it)
            ["Alerts:From"] = "hacluster@example.com",
            ["Alerts:To:0"] = "ops@example.com",
            ["Alerts:Window"] = "00:00:00.200",
        };
        await using var app = await ControllerApp.StartAsync(settings);
        await using var pair = await Pair.StartAsync(app);
        using var operatorClient = app.Client(await app.IssueAsync("otto", HaCluster.Shared.Vocabulary.Role.Operator));

        var passed = await operatorClient.PostAsync("/api/v1/groups/web/drill", null);
        var drill = await passed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, passed.StatusCode);
        Assert.True(drill.GetProperty("ok").GetBoolean(), drill.ToString());
        Assert.Equal([("n1", "n2"), ("n2", "n1")], drill.GetProperty("steps").EnumerateArray().Select(s => (s.GetProperty("from").GetString(), s.GetProperty("to").GetString())));
        Assert.All(drill.GetProperty("steps").EnumerateArray(), s => Assert.True(s.GetProperty("completed").GetBoolean() && s.GetProperty("tookMs").GetDouble() >= 0));
        using var admin = app.CreateClient();
        var group = await admin.GetFromJsonAsync<JsonElement>("/api/v1/groups/web");
        Assert.Equal(JsonValueKind.Null, group.GetProperty("primary").ValueKind);
        Assert.DoesNotContain("hacluster_primary", pair.LastConfig("n1"), StringComparison.Ordinal);
        Assert.Equal(["switchover", "switchover", "switchover", "create"], (await admin.GetFromJsonAsync<JsonElement[]>("/api/v1/groups/web/revisions") ?? []).Select(r => r.GetProperty("action").GetString()));

        // n2 in FAULT: the drill moves nothing and fails, and says so by mail.
        await pair.N2.SendEventsAsync(pair.N2.Transition(Instance, VrrpState.Backup, VrrpState.Fault, TransitionReason.InterfaceDown));
        await WaitAsync(async () => (await admin.GetStringAsync("/api/v1/groups/web/status")).Contains("\"state\":\"FAULT\"", StringComparison.Ordinal));
        var failed = await (await operatorClient.PostAsync("/api/v1/groups/web/drill", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(failed.GetProperty("ok").GetBoolean());
        Assert.Equal("web: drill by operator otto FAILED: a member is missing: n2 is in FAULT", failed.GetProperty("detail").GetString());
        Assert.Empty(failed.GetProperty("steps").EnumerateArray());
        Assert.Equal(4, (await admin.GetFromJsonAsync<JsonElement[]>("/api/v1/groups/web/revisions") ?? []).Length);
        var history = await admin.GetFromJsonAsync<JsonElement[]>("/api/v1/groups/web/drills") ?? [];
        Assert.Equal([false, true], history.Select(d => d.GetProperty("ok").GetBoolean()));
        Assert.Equal(2, (await admin.GetFromJsonAsync<JsonElement[]>("/api/v1/drills") ?? []).Length);
        await WaitAsync(() => Task.FromResult(smtp.Messages().Any(m => (m.TextBody ?? "").Contains("web: drill by operator otto FAILED: a member is missing: n2 is in FAULT", StringComparison.Ordinal))));
    }

    [Fact]
    public async Task Drill_ATakeoverSlowerThanTheGroupsLimit_FailsTheDrill_NamingTheStepAndTheLimit()
    {
        await using var app = await ControllerApp.StartAsync(sqlite.Backend.NewSettings());
        await using var pair = await Pair.StartAsync(app);
        using var admin = app.CreateClient();
        Assert.True((await admin.PutAsync("/api/v1/groups/web", Samples.Json(Samples.Web with { DrillLimitMs = 50 }))).IsSuccessStatusCode);
        pair.TakeoverDelay = TimeSpan.FromMilliseconds(300);

        var drill = await (await admin.PostAsync("/api/v1/groups/web/drill", null)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.False(drill.GetProperty("ok").GetBoolean(), drill.ToString());
        Assert.Matches(@"n2 took over \d+(\.\d+)? ms after the request: longer than the group's limit, 50 ms", drill.GetProperty("detail").GetString());
        Assert.Equal(2, drill.GetProperty("steps").GetArrayLength());
    }

    [Fact]
    public async Task DrillSchedule_SecondsCron_RunsByItself_ABadOneRefusedAtItsField()
    {
        await using var app = await ControllerApp.StartAsync(sqlite.Backend.NewSettings());
        await using var pair = await Pair.StartAsync(app);
        using var admin = app.CreateClient();

        var bad = await admin.PutAsync("/api/v1/groups/web", JsonContent.Create(HaCluster.Controller.Domain.GroupDocument.Of(Samples.Web with { DrillSchedule = "every day", DrillLimitMs = 5 }),
            HaCluster.Controller.Domain.GroupJsonContext.Default.GroupDocument));
        Assert.Equal(["drillLimitMs", "drillSchedule"], (await Samples.ReadErrorPathsAsync(bad)).Order(StringComparer.Ordinal));
        Assert.True((await admin.PutAsync("/api/v1/groups/web", Samples.Json(Samples.Web with { DrillSchedule = "*/2 * * * * *" }))).IsSuccessStatusCode);

        await WaitAsync(async () => (await admin.GetFromJsonAsync<JsonElement[]>("/api/v1/groups/web/drills") ?? []).Length > 0);
        var drill = (await admin.GetFromJsonAsync<JsonElement[]>("/api/v1/groups/web/drills"))![0];
        Assert.Equal("system the controller (drill schedule)", drill.GetProperty("by").GetString());
        Assert.True(drill.GetProperty("ok").GetBoolean(), drill.ToString());
        Assert.True((await admin.PutAsync("/api/v1/groups/web", Samples.Json(Samples.Web))).IsSuccessStatusCode);
    }

    /// <summary>A node in maintenance makes its groups quiet: their failovers are stored and listed as suppressed, not sent; the maintenance itself is.</summary>
    [Fact]
    public async Task NodeInMaintenance_ItsGroupsFailoverAlertsSuppressed_TheOperationStillSent()
    {
        await using var hook = WebhookReceiver.Start();
        var settings = new Dictionary<string, string>(sqlite.Backend.NewSettings()) { ["Alerts:Window"] = "00:00:00.100" };
        await using var app = await ControllerApp.StartAsync(settings);
        await using var pair = await Pair.StartAsync(app);
        using var admin = app.CreateClient();
        (await admin.PutAsJsonAsync("/api/v1/alert-channels/hook", new { type = "webhook", url = hook.Url.ToString(), secret = "a-webhook-secret-of-some-length" })).EnsureSuccessStatusCode();

        (await admin.PostAsJsonAsync("/api/v1/nodes/n2/maintenance", new { reason = "disk swap" })).EnsureSuccessStatusCode();
        var since = DateTimeOffset.UtcNow;
        await pair.N1.SendEventsAsync(pair.N1.Transition(Instance, VrrpState.Master, VrrpState.Backup, TransitionReason.HigherPriorityHeard),
            pair.N1.Transition(Instance, VrrpState.Backup, VrrpState.Master));

        // The failover (and any health change of the group) after the maintenance began: kept as maintenance, not sent.
        static bool After(JsonElement a, DateTimeOffset since) => a.GetProperty("storedAt").GetDateTimeOffset() >= since;
        await WaitAsync(async () => (await AlertTests.AlertsAsync(app)).Any(a => a.GetProperty("kind").GetString() == "failover" && After(a, since)));
        var alerts = await AlertTests.AlertsAsync(app);
        Assert.All(alerts.Where(a => a.GetProperty("kind").GetString() is "failover" or "health" or "recovery" && After(a, since)),
            a => Assert.Equal("maintenance", a.GetProperty("suppressed").GetString()));
        var operation = alerts.Single(a => a.GetProperty("kind").GetString() == "operation" && a.GetProperty("summary").GetString()!.Contains("disk swap", StringComparison.Ordinal));
        Assert.Equal(JsonValueKind.Null, operation.GetProperty("suppressed").ValueKind);
        var request = Assert.Single(await hook.WaitForAsync(1, TimeSpan.FromSeconds(10)));
        Assert.Contains("disk swap", request.Body, StringComparison.Ordinal);
        await Task.Delay(TimeSpan.FromSeconds(1)); // a message for the failover would be here
        Assert.Single(hook.Requests);
    }

    [Theory]
    [InlineData(new[] { 100, 80 }, "n2", new[] { 100, 101 })]
    [InlineData(new[] { 100, 80 }, "n1", new[] { 100, 80 })]
    [InlineData(new[] { 254, 80 }, "n2", new[] { 253, 254 })]
    [InlineData(new[] { 100, 90, 80 }, "n3", new[] { 100, 90, 101 })]
    [InlineData(new[] { 100, 90, 80 }, null, new[] { 100, 90, 80 })]
    public void Priorities_TheChosenMasterJustAboveTheOthers_OthersLoweredOnlyFromTheTop(int[] configured, string? primary, int[] rendered)
    {
        var group = Samples.Web with
        {
            Members = [.. configured.Select((p, i) => new HaCluster.Controller.Domain.Member($"n{i + 1}", $"192.0.2.{10 + i}", p))],
            Primary = primary,
        };

        Assert.Equal(rendered, HaCluster.Controller.Groups.GroupRenderer.Priorities(group));
        Assert.All(group.Members, m => Assert.Equal(primary is null ? null : group.Members.Single(x => x.Node == primary).Address,
            HaCluster.Controller.Groups.GroupRenderer.ToInstance(group, m.Node).Handoff.Primary?.ToString()));
    }

    private static string Hash(string text) => HaCluster.Controller.Groups.GroupRenderer.Hash(text);

    private static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status, string detail)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(detail, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static async Task<JsonElement> WaitForEventAsync(HttpClient client, string query, Func<JsonElement, bool> match)
    {
        JsonElement found = default;
        await WaitAsync(async () => (await client.GetFromJsonAsync<JsonElement[]>($"/api/v1/events?{query}") ?? []).FirstOrDefault(match) is { ValueKind: JsonValueKind.Object } e && (found = e).ValueKind != JsonValueKind.Undefined);
        return found;
    }

    private static async Task WaitAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 15 s");
            await Task.Delay(50); // polls the controller's API
        }
    }
}
