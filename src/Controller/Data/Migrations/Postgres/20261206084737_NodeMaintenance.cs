using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HaCluster.Controller.Data.Migrations.Postgres;

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
                Node = table.Column<string>(type: "character varying(253)", maxLength: 253, nullable: false),
                Since = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                Until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                Reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                Strict = table.Column<bool>(type: "boolean", nullable: false),
                StartedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false)
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
