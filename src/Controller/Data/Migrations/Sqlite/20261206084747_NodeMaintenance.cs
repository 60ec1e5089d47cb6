using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HaCluster.Controller.Data.Migrations.Sqlite;

/// <inheritdoc />
public partial class NodeMaintenance : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "node_maintenance",
            columns: table => new
            {
                Node = table.Column<string>(type: "TEXT", maxLength: 253, nullable: false),
                Since = table.Column<long>(type: "INTEGER", nullable: false),
                Until = table.Column<long>(type: "INTEGER", nullable: true),
                Reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                Strict = table.Column<bool>(type: "INTEGER", nullable: false),
                StartedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_node_maintenance", x => x.Node);
            });
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "node_maintenance");
    }
}
