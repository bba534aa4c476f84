// A card with a section heading: the shape of every section of the merchant's pages.
import { BlockStack, Card, Text } from "@shopify/polaris";
import type { ReactNode } from "react";

export function SectionCard(props: { heading: ReactNode; children: ReactNode }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {props.heading}
        </Text>
        {props.children}
      </BlockStack>
    </Card>
  );
}
