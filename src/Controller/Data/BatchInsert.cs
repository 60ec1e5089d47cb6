using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;
using NpgsqlTypes;

namespace HaCluster.Controller.Data;

/// <summary>
/// Inserts a batch of new rows of one entity type, ids assigned in the entities: on PostgreSQL one binary COPY instead of
/// EF's INSERTs (the ingest's hot path: its events and their alerts, issue 12's 10,000 events/s), elsewhere EF's own.
/// The rows are not tracked afterwards on PostgreSQL.
/// </summary>
internal static class BatchInsert
{
    public static async Task InsertAsync<T>(HaClusterContext db, IReadOnlyList<T> rows, CancellationToken ct)
        where T : class
    {
        if (rows.Count == 0)
        {
            return;
        }

        if (db.Database.IsNpgsql())
        {
            await PostgresCopy.InsertAsync(db, rows, ct);
            return;
        }

        db.Set<T>().AddRange(rows);
        await db.SaveChangesAsync(ct);
    }
}

/// <summary>
/// One binary COPY of an entity type's rows, its table and columns read from the EF model. Ids are drawn from the key's
/// identity sequence first, so that the caller has them. A unique violation fails the whole COPY (and its transaction).
/// </summary>
internal static class PostgresCopy
{
    private static readonly ConcurrentDictionary<Type, Table> Tables = new();

    private sealed record Column(string Name, IClrPropertyGetter Getter, NpgsqlDbType Type);

    private sealed record Table(string Copy, string NextIds, PropertyInfo Key, IReadOnlyList<Column> Columns);

    public static async Task InsertAsync<T>(HaClusterContext db, IReadOnlyList<T> rows, CancellationToken ct)
        where T : class
    {
        var table = Tables.GetOrAdd(typeof(T), type => Describe(db.Model.FindEntityType(type) ?? throw new InvalidOperationException($"{type.Name} is not in the model")));
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            await AssignIdsAsync(connection, table, rows, ct);
            await using var copy = await connection.BeginBinaryImportAsync(table.Copy, ct);
            foreach (var row in rows)
            {
                await copy.StartRowAsync(ct);
                foreach (var column in table.Columns)
                {
                    switch (column.Getter.GetClrValue(row))
                    {
                        case null:
                            await copy.WriteNullAsync(ct);
                            break;
                        case DateTimeOffset at:
                            // Npgsql writes timestamptz from UTC only.
                            await copy.WriteAsync(at.ToUniversalTime(), column.Type, ct);
                            break;
                        case var value:
                            await copy.WriteAsync(value, column.Type, ct);
                            break;
                    }
                }
            }

            await copy.CompleteAsync(ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static Table Describe(IEntityType entity)
    {
        var name = entity.GetTableName() ?? throw new InvalidOperationException($"{entity.DisplayName()} has no table");
        var store = StoreObjectIdentifier.Table(name, entity.GetSchema());
        var key = entity.FindPrimaryKey()?.Properties is [{ ClrType: var keyType, PropertyInfo: { } keyProperty } keyColumn] && keyType == typeof(long)
            ? (keyColumn, keyProperty)
            : throw new InvalidOperationException($"{entity.DisplayName()}: a batch insert needs one long key");
        var columns = entity.GetProperties().Select(p => new Column(p.GetColumnName(store) ?? p.Name, p.GetGetter(), TypeOf(p))).ToList();
        var quoted = string.Join(", ", columns.Select(c => $"\"{c.Name}\""));
        return new Table(
            $"COPY \"{name}\" ({quoted}) FROM STDIN (FORMAT BINARY)",
            $"SELECT nextval(pg_get_serial_sequence('\"{name}\"', '{key.keyColumn.GetColumnName(store)}')) FROM generate_series(1, $1)",
            key.keyProperty,
            columns);
    }

    /// <summary>The wire type of a column, from its CLR type (the entities use no value converters).</summary>
    private static NpgsqlDbType TypeOf(IProperty property) => (Nullable.GetUnderlyingType(property.ClrType) ?? property.ClrType) switch
    {
        var t when t == typeof(long) => NpgsqlDbType.Bigint,
        var t when t == typeof(int) => NpgsqlDbType.Integer,
        var t when t == typeof(short) => NpgsqlDbType.Smallint,
        var t when t == typeof(double) => NpgsqlDbType.Double,
        var t when t == typeof(bool) => NpgsqlDbType.Boolean,
        var t when t == typeof(DateTimeOffset) => NpgsqlDbType.TimestampTz,
        var t when t == typeof(Guid) => NpgsqlDbType.Uuid,
        var t when t == typeof(byte[]) => NpgsqlDbType.Bytea,
        // varchar(n) and text share one binary form; the server checks the length.
        var t when t == typeof(string) => NpgsqlDbType.Text,
        var t => throw new NotSupportedException($"{property.DeclaringType.DisplayName()}.{property.Name}: no COPY type for {t.Name}"),
    };

    private static async Task AssignIdsAsync<T>(NpgsqlConnection connection, Table table, IReadOnlyList<T> rows, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(table.NextIds, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = rows.Count });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var i = 0;
        while (await reader.ReadAsync(ct))
        {
            table.Key.SetValue(rows[i++], reader.GetInt64(0));
        }
    }
}
