using HaCluster.Controller.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HaCluster.Controller.Tests.Infrastructure;

/// <summary>The real controller host in-process, pointed at one test's database.</summary>
public sealed class ControllerApp(IReadOnlyDictionary<string, string> settings) : WebApplicationFactory<Program>
{
    public async Task<T> QueryAsync<T>(Func<HaClusterContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<HaClusterContext>());
    }

    public Task<(int Groups, int Revisions, int Audit)> CountRowsAsync() =>
        QueryAsync(async db => (await db.Groups.CountAsync(), await db.ConfigRevisions.CountAsync(), await db.AuditEntries.CountAsync()));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
