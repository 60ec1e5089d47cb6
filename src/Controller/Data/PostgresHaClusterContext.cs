using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace HaCluster.Controller.Data;

public sealed class PostgresHaClusterContext(DbContextOptions<PostgresHaClusterContext> options) : HaClusterContext(options);

/// <summary>Lets <c>dotnet ef migrations add -c PostgresHaClusterContext</c> build the model without a server.</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresHaClusterContext>
{
    public PostgresHaClusterContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresHaClusterContext>().UseNpgsql("Host=localhost;Database=hacluster").Options);
}
