import java.sql.*;
public class T { public static void main(String[] a) throws Exception {
  try (Connection c = DriverManager.getConnection(a[0], a[1], a[2])) { System.out.println("ok"); }
}}
