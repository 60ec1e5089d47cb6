using System.Text.Json;
using HaCluster.Contracts;
using HaCluster.Controller.Data;
using HaCluster.Controller.Data.Entities;
using HaCluster.Shared.Groups;
using Microsoft.EntityFrameworkCore;

namespace HaCluster.Controller.Agents;

/// <summary>The nodes agents have described in their hellos: what groups are validated against when saved.</summary>
public sealed class NodeStore(HaClusterContext db, TimeProvider clock)
{
    public async Task UpsertAsync(Hello hello, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var row = await db.Nodes.SingleOrDefaultAsync(n => n.Name == hello.Node, ct);
        if (row is null)
        {
            row = new NodeEntity { Name = hello.Node, AddressesJson = "[]", InterfacesJson = "[]", AgentVersion = "", BootId = "", FirstSeenAt = now };
            db.Nodes.Add(row);
        }

        row.AddressesJson = JsonSerializer.Serialize([.. hello.Addresses], NodeJson.Default.StringArray);
        row.InterfacesJson = JsonSerializer.Serialize([.. hello.Interfaces], NodeJson.Default.StringArray);
        row.AgentVersion = hello.AgentVersion;
        row.BootId = hello.BootId;
        row.LastSeenAt = now;
        await db.SaveChangesAsync(ct);
    }

    public async Task TouchAsync(string node, CancellationToken ct) =>
        await db.Nodes.Where(n => n.Name == node).ExecuteUpdateAsync(s => s.SetProperty(n => n.LastSeenAt, clock.GetUtcNow()), ct);

    public Task<List<NodeEntity>> ListAsync(CancellationToken ct) => db.Nodes.AsNoTracking().OrderBy(n => n.Name).ToListAsync(ct);

    public static NodeFacts Facts(NodeEntity node) => new(Strings(node.AddressesJson), Strings(node.InterfacesJson));

    public static string[] Strings(string json) => JsonSerializer.Deserialize(json, NodeJson.Default.StringArray) ?? [];
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string[]))]
internal sealed partial class NodeJson : System.Text.Json.Serialization.JsonSerializerContext;
