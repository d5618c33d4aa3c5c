package com.acme.billing;

/** Generates the monthly invoices. Scheduled by the Jenkins "Run" stage. */
public class InvoiceJob {
  public static void main(String[] args) {
    System.out.println("Generating invoices for " + (args.length > 0 ? args[0] : "last month"));
  }
}
