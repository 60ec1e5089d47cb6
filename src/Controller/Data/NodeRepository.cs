using System.Text.Json;
using System.Text.Json.Serialization;
using HaCluster.Controller.Data.Entities;
using HaCluster.Controller.Domain;
using Microsoft.EntityFrameworkCore;

namespace HaCluster.Controller.Data;

/// <summary>The nodes agents have described in their hellos: what groups are validated against when saved.</summary>
public sealed class NodeRepository(IDbContextFactory<HaClusterContext> contexts, TimeProvider clock)
{
    public async Task UpsertAsync(NodeHello hello, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var row = await db.Nodes.SingleOrDefaultAsync(n => n.Name == hello.Name, ct);
        if (row is null)
        {
            row = new NodeEntity { Name = hello.Name, AddressesJson = "[]", InterfacesJson = "[]", AgentVersion = "", BootId = "", FirstSeenAt = now };
            db.Nodes.Add(row);
        }

        row.AddressesJson = JsonSerializer.Serialize([.. hello.Addresses], NodeJson.Default.StringArray);
        row.InterfacesJson = JsonSerializer.Serialize([.. hello.Interfaces], NodeJson.Default.StringArray);
        row.AgentVersion = hello.AgentVersion;
        row.BootId = hello.BootId;
        row.LastSeenAt = now;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>What the agents last reported of the named nodes (unknown names are missing).</summary>
    public async Task<IReadOnlyDictionary<string, NodeFacts>> FactsAsync(IReadOnlyCollection<string> names, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.Nodes.AsNoTracking().Where(n => names.Contains(n.Name)).ToListAsync(ct);
        return rows.ToDictionary(n => n.Name, Facts, StringComparer.Ordinal);
    }

    public async Task<IReadOnlyList<KnownNode>> ListAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.Nodes.AsNoTracking().OrderBy(n => n.Name).ToListAsync(ct);
        return [.. rows.Select(n => new KnownNode(n.Name, Facts(n), n.AgentVersion, n.BootId, n.FirstSeenAt, n.LastSeenAt))];
    }

    private static NodeFacts Facts(NodeEntity node) => new(Strings(node.AddressesJson), Strings(node.InterfacesJson));

    private static string[] Strings(string json) => JsonSerializer.Deserialize(json, NodeJson.Default.StringArray) ?? [];
}

[JsonSerializable(typeof(string[]))]
internal sealed partial class NodeJson : JsonSerializerContext;
