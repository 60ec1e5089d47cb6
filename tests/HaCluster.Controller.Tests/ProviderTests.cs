using HaCluster.Controller.Tests.Infrastructure;
using HaCluster.TestSupport;

namespace HaCluster.Controller.Tests;

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}

public sealed class SqliteGroupsCrudTests(SqliteBackendFixture sqlite) : GroupsCrudTests(sqlite.Backend), IClassFixture<SqliteBackendFixture>;

public sealed class SqliteGroupsValidationTests(SqliteBackendFixture sqlite) : GroupsValidationTests(sqlite.Backend), IClassFixture<SqliteBackendFixture>;

[Collection(PostgresCollection.Name)]
public sealed class PostgresGroupsCrudTests(PostgresServer server) : GroupsCrudTests(new PostgresBackend(server));

[Collection(PostgresCollection.Name)]
public sealed class PostgresGroupsValidationTests(PostgresServer server) : GroupsValidationTests(new PostgresBackend(server));

public sealed class SqliteBackendFixture : IDisposable
{
    public SqliteBackend Backend { get; } = new();

    public void Dispose() => Backend.Dispose();
}
