using Google.Rpc;
using Grpc.Core;
using HaCluster.Contracts;
using HaCluster.Controller.Tests.Infrastructure;
using HaCluster.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace HaCluster.Controller.Tests;

/// <summary>The gRPC admin API the dashboard uses: the same rules as REST, and the live watch.</summary>
public abstract class AdminApiTests(IStorageBackend backend)
{
    [SkippableFact]
    public async Task CreateThenGet_SameGroupAsRest_WithRenderedConfigPerMember()
    {
        await using var app = await ControllerApp.StartAsync(backend.NewSettings());
        using var channel = app.Channel();
        var admin = new Admin.AdminClient(channel);

        var saved = await admin.CreateGroupAsync(new SaveGroupRequest { Group = WebProto() });

        Assert.Equal(1, saved.Revision);
        Assert.Equal(["n1", "n2"], saved.Configs.Select(c => c.Node));
        Assert.Contains("unicast_src_ip 192.0.2.11", saved.Configs[1].Text, StringComparison.Ordinal);
        Assert.Empty(saved.PreviousConfigs);
        Assert.Equal(Samples.Public(Samples.Web), await Samples.ReadGroupAsync(await app.CreateClient().GetAsync("/api/v1/groups/web")));
        Assert.Equal(Written(WebProto()), await admin.GetGroupAsync(new GroupRef { Name = "web" }));
    }

    [SkippableFact]
    public async Task Create_Invalid_InvalidArgumentWithAFieldViolationPerBadField_NothingSaved()
    {
        await using var app = await ControllerApp.StartAsync(backend.NewSettings());
        using var channel = app.Channel();
        var bad = WebProto();
        bad.Vrid = 0;
        bad.Members[1].Priority = 100;
        bad.Members[1].Node = "n9";

        var error = await Assert.ThrowsAsync<RpcException>(() => new Admin.AdminClient(channel).CreateGroupAsync(new SaveGroupRequest { Group = bad }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var fields = error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field).ToList();
        Assert.Contains("vrid", fields);
        Assert.Contains("members[1].priority", fields);
        Assert.Contains("members[1].node", fields);
        Assert.Equal((0, 0, 0), await app.CountRowsAsync());
    }

    [SkippableFact]
    public async Task UpdateValidateOnly_ReturnsNewAndCurrentConfigs_SavesNothing()
    {
        await using var app = await ControllerApp.StartAsync(backend.NewSettings());
        using var channel = app.Channel();
        var admin = new Admin.AdminClient(channel);
        await admin.CreateGroupAsync(new SaveGroupRequest { Group = WebProto() });
        var edit = WebProto();
        edit.Members[1].Priority = 90;

        var preview = await admin.UpdateGroupAsync(new SaveGroupRequest { Group = edit, ValidateOnly = true });

        Assert.Equal(2, preview.Revision);
        Assert.Contains("priority 90", preview.Configs[1].Text, StringComparison.Ordinal);
        Assert.Contains("priority 80", preview.PreviousConfigs[1].Text, StringComparison.Ordinal);
        Assert.Equal(preview.Configs[0].Text, preview.PreviousConfigs[0].Text);
        Assert.Equal(1, await app.QueryAsync(db => db.Groups.Select(g => g.Revision).SingleAsync()));
        Assert.Equal(80, (await admin.GetGroupAsync(new GroupRef { Name = "web" })).Members[1].Priority);
    }

    [SkippableFact]
    public async Task MissingGroup_NotFound_AndDuplicateCreate_AlreadyExists()
    {
        await using var app = await ControllerApp.StartAsync(backend.NewSettings());
        using var channel = app.Channel();
        var admin = new Admin.AdminClient(channel);
        await admin.CreateGroupAsync(new SaveGroupRequest { Group = WebProto() });

        var missing = await Assert.ThrowsAsync<RpcException>(() => admin.GetGroupStatusAsync(new GroupRef { Name = "nope" }).ResponseAsync);
        var duplicate = await Assert.ThrowsAsync<RpcException>(() => admin.CreateGroupAsync(new SaveGroupRequest { Group = WebProto() }).ResponseAsync);
        var delete = await Assert.ThrowsAsync<RpcException>(() => admin.DeleteGroupAsync(new GroupRef { Name = "nope" }).ResponseAsync);

        Assert.Equal((StatusCode.NotFound, StatusCode.AlreadyExists, StatusCode.NotFound), (missing.StatusCode, duplicate.StatusCode, delete.StatusCode));
    }

    [SkippableFact]
    public async Task ListEvents_BadKindAndLimit_InvalidArgumentNamingBoth()
    {
        await using var app = await ControllerApp.StartAsync(backend.NewSettings());
        using var channel = app.Channel();

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            new Admin.AdminClient(channel).ListEventsAsync(new ListEventsRequest { Kind = (EventKind)99, Limit = 100_000 }).ResponseAsync);

        var fields = error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field);
        Assert.Equal(["kind", "limit"], fields);
    }

    [SkippableFact]
    public async Task Watch_SnapshotFirst_ThenGroupAndEventChangesAsTheyHappen()
    {
        await using var app = await ControllerApp.StartAsync(new Dictionary<string, string>(backend.NewSettings()) { ["Fleet:PublishInterval"] = "00:00:00.050" });
        using var channel = app.Channel();
        var admin = new Admin.AdminClient(channel);
        await admin.CreateGroupAsync(new SaveGroupRequest { Group = WebProto() });
        using var watch = admin.Watch(new WatchRequest());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        Assert.True(await watch.ResponseStream.MoveNext(timeout.Token));
        var initial = watch.ResponseStream.Current.Initial;
        Assert.Equal(["web"], initial.Groups.Select(g => g.Group.Name));
        Assert.Equal(["n1", "n2", "n3"], initial.Nodes.Select(n => n.Name));
        Assert.Contains(initial.RecentEvents, e => e.Kind == EventKind.Node);

        using var agents = app.Agents();
        await using var n1 = await SimulatedAgent.ConnectAsync(agents, "n1", ["192.0.2.10/24"]);
        await n1.SendEventsAsync(n1.Transition("HC_web", VrrpState.Backup, VrrpState.Master));

        var seen = new List<HaCluster.Contracts.FleetChange>();
        while (!(seen.Any(c => c.Event?.Kind == EventKind.Transition)
                 && seen.Any(c => c.Group?.Members.Any(m => m.State == VrrpState.Master) == true)
                 && seen.Any(c => c.Node?.Name == "n1" && c.Node.Connected)))
        {
            Assert.True(await watch.ResponseStream.MoveNext(timeout.Token));
            seen.Add(watch.ResponseStream.Current.Change);
        }

        var transition = seen.First(c => c.Event?.Kind == EventKind.Transition).Event;
        Assert.Equal(("n1", "web", VrrpState.Backup, VrrpState.Master), (transition.Node, transition.Group, transition.FromState, transition.ToState));
    }

    /// <summary>A group as the admin API sends it back: its password write-only.</summary>
    private static HaCluster.Contracts.Group Written(HaCluster.Contracts.Group sent)
    {
        var read = sent.Clone();
        read.AuthPassSet = read.AuthPass.Length > 0;
        read.AuthPass = "";
        return read;
    }

    private static HaCluster.Contracts.Group WebProto()
    {
        var group = new HaCluster.Contracts.Group { Name = "web", Vrid = 27, Interface = "eth0", Version = 2, AdvertInterval = 1, AuthPass = "1111", Preempt = true };
        group.VirtualIps.Add(new HaCluster.Contracts.GroupVip { Address = "192.0.2.100/32", Device = "eth0", Label = "eth0:0" });
        group.Members.Add(new HaCluster.Contracts.GroupMember { Node = "n1", Address = "192.0.2.10", Priority = 100 });
        group.Members.Add(new HaCluster.Contracts.GroupMember { Node = "n2", Address = "192.0.2.11", Priority = 80 });
        return group;
    }
}

public sealed class SqliteAdminApiTests(SqliteBackendFixture sqlite) : AdminApiTests(sqlite.Backend), IClassFixture<SqliteBackendFixture>;

[Collection(PostgresCollection.Name)]
public sealed class PostgresAdminApiTests(PostgresServer server) : AdminApiTests(new PostgresBackend(server));
