using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HaCluster.Controller.Data.Migrations.Sqlite;

/// <inheritdoc />
public partial class PendingConfirms : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "pending_confirms",
            columns: table => new
            {
                GroupName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                Revision = table.Column<int>(type: "INTEGER", nullable: false),
                RevertTo = table.Column<int>(type: "INTEGER", nullable: false),
                Deadline = table.Column<long>(type: "INTEGER", nullable: false),
                WithinSeconds = table.Column<long>(type: "INTEGER", nullable: false),
                StartedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_pending_confirms", x => x.GroupName);
            });
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "pending_confirms");
    }
}
