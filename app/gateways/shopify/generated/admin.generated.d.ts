/* eslint-disable eslint-comments/disable-enable-pair */
/* eslint-disable eslint-comments/no-unlimited-disable */
/* eslint-disable */
import type * as AdminTypes from './admin.types.js';

export type RitournelleCompanyAddressFragment = Pick<AdminTypes.CompanyAddress, 'companyName' | 'firstName' | 'lastName' | 'address1' | 'address2' | 'city' | 'zoneCode' | 'zip' | 'countryCode' | 'phone'>;

export type RitournelleCompanyLocationForDraftQueryVariables = AdminTypes.Exact<{
  locationId: AdminTypes.Scalars['ID']['input'];
  contactId: AdminTypes.Scalars['ID']['input'];
  roleQuery: AdminTypes.Scalars['String']['input'];
}>;


export type RitournelleCompanyLocationForDraftQuery = { companyLocation: AdminTypes.Maybe<(
    Pick<AdminTypes.CompanyLocation, 'id' | 'name'>
    & { company: Pick<AdminTypes.Company, 'id' | 'name'>, billingAddress: AdminTypes.Maybe<Pick<AdminTypes.CompanyAddress, 'companyName' | 'firstName' | 'lastName' | 'address1' | 'address2' | 'city' | 'zoneCode' | 'zip' | 'countryCode' | 'phone'>>, shippingAddress: AdminTypes.Maybe<Pick<AdminTypes.CompanyAddress, 'companyName' | 'firstName' | 'lastName' | 'address1' | 'address2' | 'city' | 'zoneCode' | 'zip' | 'countryCode' | 'phone'>>, buyerExperienceConfiguration: AdminTypes.Maybe<{ paymentTermsTemplate: AdminTypes.Maybe<Pick<AdminTypes.PaymentTermsTemplate, 'id' | 'paymentTermsType' | 'dueInDays'>> }> }
  )>, companyContact: AdminTypes.Maybe<(
    Pick<AdminTypes.CompanyContact, 'id'>
    & { company: Pick<AdminTypes.Company, 'id'>, roleAssignments: { nodes: Array<{ companyLocation: Pick<AdminTypes.CompanyLocation, 'id'> }> } }
  )> };

export type RitournelleDraftOrderForSigningQueryVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
}>;


export type RitournelleDraftOrderForSigningQuery = { draftOrder: AdminTypes.Maybe<(
    Pick<AdminTypes.DraftOrder, 'id' | 'name' | 'status' | 'invoiceUrl' | 'invoiceSentAt' | 'createdAt' | 'email' | 'taxesIncluded'>
    & { customer: AdminTypes.Maybe<Pick<AdminTypes.Customer, 'displayName'>>, order: AdminTypes.Maybe<Pick<AdminTypes.Order, 'name' | 'displayFinancialStatus' | 'cancelledAt'>>, lineItems: { nodes: Array<(
        Pick<AdminTypes.DraftOrderLineItem, 'name' | 'quantity'>
        & { originalUnitPriceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, discountedTotalSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
      )> }, shippingLine: AdminTypes.Maybe<(
      Pick<AdminTypes.ShippingLine, 'title'>
      & { discountedPriceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
    )>, subtotalPriceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }, totalDiscountsSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, taxLines: Array<(
      Pick<AdminTypes.TaxLine, 'title' | 'ratePercentage'>
      & { priceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
    )>, totalPriceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, paymentTerms: AdminTypes.Maybe<{ paymentSchedules: { nodes: Array<Pick<AdminTypes.PaymentSchedule, 'dueAt'>> } }> }
  )> };

export type RitournelleDraftOrderSignatureStampMutationVariables = AdminTypes.Exact<{
  metafields: Array<AdminTypes.MetafieldsSetInput> | AdminTypes.MetafieldsSetInput;
}>;


export type RitournelleDraftOrderSignatureStampMutation = { metafieldsSet: AdminTypes.Maybe<{ metafields: AdminTypes.Maybe<Array<Pick<AdminTypes.Metafield, 'key' | 'value'>>>, userErrors: Array<Pick<AdminTypes.MetafieldsSetUserError, 'field' | 'message'>> }> };

export type RitournelleDraftOrderFieldsFragment = (
  Pick<AdminTypes.DraftOrder, 'id' | 'name' | 'status' | 'invoiceUrl' | 'invoiceSentAt' | 'createdAt' | 'tags'>
  & { metafield: AdminTypes.Maybe<Pick<AdminTypes.Metafield, 'value'>>, totalPriceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }, order: AdminTypes.Maybe<Pick<AdminTypes.Order, 'id' | 'name' | 'displayFinancialStatus' | 'cancelledAt'>> }
);

export type RitournelleDraftOrderCreateMutationVariables = AdminTypes.Exact<{
  input: AdminTypes.DraftOrderInput;
}>;


export type RitournelleDraftOrderCreateMutation = { draftOrderCreate: AdminTypes.Maybe<{ draftOrder: AdminTypes.Maybe<(
      Pick<AdminTypes.DraftOrder, 'id' | 'name' | 'status' | 'invoiceUrl' | 'invoiceSentAt' | 'createdAt' | 'tags'>
      & { metafield: AdminTypes.Maybe<Pick<AdminTypes.Metafield, 'value'>>, totalPriceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }, order: AdminTypes.Maybe<Pick<AdminTypes.Order, 'id' | 'name' | 'displayFinancialStatus' | 'cancelledAt'>> }
    )>, userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }> };

export type RitournelleDraftOrderQueryVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
}>;


export type RitournelleDraftOrderQuery = { draftOrder: AdminTypes.Maybe<(
    Pick<AdminTypes.DraftOrder, 'id' | 'name' | 'status' | 'invoiceUrl' | 'invoiceSentAt' | 'createdAt' | 'tags'>
    & { metafield: AdminTypes.Maybe<Pick<AdminTypes.Metafield, 'value'>>, totalPriceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }, order: AdminTypes.Maybe<Pick<AdminTypes.Order, 'id' | 'name' | 'displayFinancialStatus' | 'cancelledAt'>> }
  )> };

export type RitournelleDraftOrdersSearchQueryVariables = AdminTypes.Exact<{
  query: AdminTypes.Scalars['String']['input'];
}>;


export type RitournelleDraftOrdersSearchQuery = { draftOrders: { nodes: Array<(
      Pick<AdminTypes.DraftOrder, 'id' | 'name' | 'status' | 'invoiceUrl' | 'invoiceSentAt' | 'createdAt' | 'tags'>
      & { metafield: AdminTypes.Maybe<Pick<AdminTypes.Metafield, 'value'>>, totalPriceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }, order: AdminTypes.Maybe<Pick<AdminTypes.Order, 'id' | 'name' | 'displayFinancialStatus' | 'cancelledAt'>> }
    )> } };

export type RitournelleRecentDraftOrdersQueryVariables = AdminTypes.Exact<{
  after?: AdminTypes.InputMaybe<AdminTypes.Scalars['String']['input']>;
}>;


export type RitournelleRecentDraftOrdersQuery = { draftOrders: { nodes: Array<(
      Pick<AdminTypes.DraftOrder, 'id' | 'name' | 'status' | 'invoiceUrl' | 'invoiceSentAt' | 'createdAt' | 'tags'>
      & { metafield: AdminTypes.Maybe<Pick<AdminTypes.Metafield, 'value'>>, totalPriceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }, order: AdminTypes.Maybe<Pick<AdminTypes.Order, 'id' | 'name' | 'displayFinancialStatus' | 'cancelledAt'>> }
    )>, pageInfo: Pick<AdminTypes.PageInfo, 'hasNextPage' | 'endCursor'> } };

export type RitournelleDraftOrderInvoiceSendMutationVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
  email?: AdminTypes.InputMaybe<AdminTypes.EmailInput>;
}>;


export type RitournelleDraftOrderInvoiceSendMutation = { draftOrderInvoiceSend: AdminTypes.Maybe<{ draftOrder: AdminTypes.Maybe<(
      Pick<AdminTypes.DraftOrder, 'id' | 'name' | 'status' | 'invoiceUrl' | 'invoiceSentAt' | 'createdAt' | 'tags'>
      & { metafield: AdminTypes.Maybe<Pick<AdminTypes.Metafield, 'value'>>, totalPriceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }, order: AdminTypes.Maybe<Pick<AdminTypes.Order, 'id' | 'name' | 'displayFinancialStatus' | 'cancelledAt'>> }
    )>, userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }> };

export type RitournelleDraftOrderDeleteMutationVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
}>;


export type RitournelleDraftOrderDeleteMutation = { draftOrderDelete: AdminTypes.Maybe<(
    Pick<AdminTypes.DraftOrderDeletePayload, 'deletedId'>
    & { userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }
  )> };

export type RitournelleDraftOrderCalculateMutationVariables = AdminTypes.Exact<{
  input: AdminTypes.DraftOrderInput;
}>;


export type RitournelleDraftOrderCalculateMutation = { draftOrderCalculate: AdminTypes.Maybe<{ calculatedDraftOrder: AdminTypes.Maybe<(
      Pick<AdminTypes.CalculatedDraftOrder, 'taxesIncluded'>
      & { totalPriceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }, totalTaxSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
    )>, userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }> };

export type RitournellePaymentTermsTemplatesQueryVariables = AdminTypes.Exact<{ [key: string]: never; }>;


export type RitournellePaymentTermsTemplatesQuery = { paymentTermsTemplates: Array<Pick<AdminTypes.PaymentTermsTemplate, 'id' | 'name' | 'paymentTermsType' | 'dueInDays'>> };

export type RitournelleOrdersPageQueryVariables = AdminTypes.Exact<{
  first?: AdminTypes.InputMaybe<AdminTypes.Scalars['Int']['input']>;
  last?: AdminTypes.InputMaybe<AdminTypes.Scalars['Int']['input']>;
  after?: AdminTypes.InputMaybe<AdminTypes.Scalars['String']['input']>;
  before?: AdminTypes.InputMaybe<AdminTypes.Scalars['String']['input']>;
  query?: AdminTypes.InputMaybe<AdminTypes.Scalars['String']['input']>;
}>;


export type RitournelleOrdersPageQuery = { orders: { nodes: Array<(
      Pick<AdminTypes.Order, 'id' | 'name' | 'createdAt' | 'displayFinancialStatus'>
      & { customer: AdminTypes.Maybe<Pick<AdminTypes.Customer, 'displayName'>>, totalPriceSet: { presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> } }
    )>, pageInfo: Pick<AdminTypes.PageInfo, 'hasNextPage' | 'hasPreviousPage' | 'startCursor' | 'endCursor'> } };

export type RitournelleMoneyBagFragment = { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> };

export type RitournelleTaxLineFragment = (
  Pick<AdminTypes.TaxLine, 'title' | 'rate' | 'ratePercentage'>
  & { priceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> } }
);

export type RitournelleOrderForTemplateQueryVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
  lines: AdminTypes.Scalars['Int']['input'];
}>;


export type RitournelleOrderForTemplateQuery = { order: AdminTypes.Maybe<(
    Pick<AdminTypes.Order, 'id' | 'name' | 'createdAt' | 'currencyCode' | 'presentmentCurrencyCode' | 'taxesIncluded' | 'email' | 'customerLocale'>
    & { customer: AdminTypes.Maybe<(
      Pick<AdminTypes.Customer, 'id' | 'displayName' | 'locale'>
      & { defaultEmailAddress: AdminTypes.Maybe<Pick<AdminTypes.CustomerEmailAddress, 'emailAddress'>> }
    )>, purchasingEntity: AdminTypes.Maybe<{ __typename: 'Customer' } | (
      { __typename: 'PurchasingCompany' }
      & { company: Pick<AdminTypes.Company, 'id' | 'name'>, contact: AdminTypes.Maybe<Pick<AdminTypes.CompanyContact, 'id'>>, location: (
        Pick<AdminTypes.CompanyLocation, 'id' | 'name'>
        & { buyerExperienceConfiguration: AdminTypes.Maybe<{ paymentTermsTemplate: AdminTypes.Maybe<Pick<AdminTypes.PaymentTermsTemplate, 'paymentTermsType' | 'dueInDays'>> }> }
      ) }
    )>, billingAddress: AdminTypes.Maybe<Pick<AdminTypes.MailingAddress, 'name' | 'company' | 'address1' | 'address2' | 'city' | 'provinceCode' | 'zip' | 'countryCodeV2'>>, lineItems: { nodes: Array<(
        Pick<AdminTypes.LineItem, 'id' | 'title' | 'variantTitle' | 'sku' | 'quantity'>
        & { variant: AdminTypes.Maybe<Pick<AdminTypes.ProductVariant, 'id'>>, originalUnitPriceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }, taxLines: Array<(
          Pick<AdminTypes.TaxLine, 'title' | 'rate' | 'ratePercentage'>
          & { priceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> } }
        )>, discountAllocations: Array<{ allocatedAmountSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> } }> }
      )>, pageInfo: Pick<AdminTypes.PageInfo, 'hasNextPage'> }, shippingLines: { nodes: Array<(
        Pick<AdminTypes.ShippingLine, 'title'>
        & { originalPriceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }, discountedPriceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }, taxLines: Array<(
          Pick<AdminTypes.TaxLine, 'title' | 'rate' | 'ratePercentage'>
          & { priceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> } }
        )> }
      )> }, totalPriceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> } }
  )> };

export type RitournelleOrdersByTagQueryVariables = AdminTypes.Exact<{
  query: AdminTypes.Scalars['String']['input'];
}>;


export type RitournelleOrdersByTagQuery = { orders: { nodes: Array<Pick<AdminTypes.Order, 'id' | 'name'>> } };

export type RitournelleOrderCreateMutationVariables = AdminTypes.Exact<{
  order: AdminTypes.OrderCreateOrderInput;
  options?: AdminTypes.InputMaybe<AdminTypes.OrderCreateOptionsInput>;
}>;


export type RitournelleOrderCreateMutation = { orderCreate: AdminTypes.Maybe<{ order: AdminTypes.Maybe<Pick<AdminTypes.Order, 'id' | 'name'>>, userErrors: Array<Pick<AdminTypes.OrderCreateUserError, 'field' | 'message' | 'code'>> }> };

export type ShopDetailsQueryVariables = AdminTypes.Exact<{ [key: string]: never; }>;


export type ShopDetailsQuery = { shop: Pick<AdminTypes.Shop, 'name' | 'myshopifyDomain' | 'ianaTimezone' | 'currencyCode'> };

export type RitournelleExistingVariantsQueryVariables = AdminTypes.Exact<{
  ids: Array<AdminTypes.Scalars['ID']['input']> | AdminTypes.Scalars['ID']['input'];
}>;


export type RitournelleExistingVariantsQuery = { nodes: Array<AdminTypes.Maybe<Pick<AdminTypes.ProductVariant, 'id'>>> };

interface GeneratedQueryTypes {
  "#graphql\n  fragment RitournelleCompanyAddress on CompanyAddress {\n    companyName\n    firstName\n    lastName\n    address1\n    address2\n    city\n    zoneCode\n    zip\n    countryCode\n    phone\n  }\n\n  query RitournelleCompanyLocationForDraft($locationId: ID!, $contactId: ID!, $roleQuery: String!) {\n    companyLocation(id: $locationId) {\n      id\n      name\n      company {\n        id\n        name\n      }\n      billingAddress {\n        ...RitournelleCompanyAddress\n      }\n      shippingAddress {\n        ...RitournelleCompanyAddress\n      }\n      buyerExperienceConfiguration {\n        paymentTermsTemplate {\n          id\n          paymentTermsType\n          dueInDays\n        }\n      }\n    }\n    companyContact(id: $contactId) {\n      id\n      company {\n        id\n      }\n      roleAssignments(first: 1, query: $roleQuery) {\n        nodes {\n          companyLocation {\n            id\n          }\n        }\n      }\n    }\n  }\n": {return: RitournelleCompanyLocationForDraftQuery, variables: RitournelleCompanyLocationForDraftQueryVariables},
  "#graphql\n  query RitournelleDraftOrderForSigning($id: ID!) {\n    draftOrder(id: $id) {\n      id name status invoiceUrl invoiceSentAt createdAt email taxesIncluded\n      customer { displayName }\n      order { name displayFinancialStatus cancelledAt }\n      lineItems(first: 250) {\n        nodes {\n          name quantity\n          originalUnitPriceSet { shopMoney { amount } }\n          discountedTotalSet { shopMoney { amount } }\n        }\n      }\n      shippingLine { title discountedPriceSet { shopMoney { amount } } }\n      subtotalPriceSet { shopMoney { amount currencyCode } }\n      totalDiscountsSet { shopMoney { amount } }\n      taxLines { title ratePercentage priceSet { shopMoney { amount } } }\n      totalPriceSet { shopMoney { amount } }\n      paymentTerms { paymentSchedules(first: 1) { nodes { dueAt } } }\n    }\n  }\n": {return: RitournelleDraftOrderForSigningQuery, variables: RitournelleDraftOrderForSigningQueryVariables},
  "#graphql\n  #graphql\n  fragment RitournelleDraftOrderFields on DraftOrder {\n    id name status invoiceUrl invoiceSentAt createdAt tags\n    metafield(namespace: \"ritournelle\", key: \"run_id\") { value }\n    totalPriceSet { shopMoney { amount currencyCode } }\n    order { id name displayFinancialStatus cancelledAt }\n  }\n\n  query RitournelleDraftOrder($id: ID!) {\n    draftOrder(id: $id) { ...RitournelleDraftOrderFields }\n  }\n": {return: RitournelleDraftOrderQuery, variables: RitournelleDraftOrderQueryVariables},
  "#graphql\n  #graphql\n  fragment RitournelleDraftOrderFields on DraftOrder {\n    id name status invoiceUrl invoiceSentAt createdAt tags\n    metafield(namespace: \"ritournelle\", key: \"run_id\") { value }\n    totalPriceSet { shopMoney { amount currencyCode } }\n    order { id name displayFinancialStatus cancelledAt }\n  }\n\n  query RitournelleDraftOrdersSearch($query: String!) {\n    draftOrders(first: 10, query: $query) {\n      nodes { ...RitournelleDraftOrderFields }\n    }\n  }\n": {return: RitournelleDraftOrdersSearchQuery, variables: RitournelleDraftOrdersSearchQueryVariables},
  "#graphql\n  #graphql\n  fragment RitournelleDraftOrderFields on DraftOrder {\n    id name status invoiceUrl invoiceSentAt createdAt tags\n    metafield(namespace: \"ritournelle\", key: \"run_id\") { value }\n    totalPriceSet { shopMoney { amount currencyCode } }\n    order { id name displayFinancialStatus cancelledAt }\n  }\n\n  query RitournelleRecentDraftOrders($after: String) {\n    draftOrders(first: 50, after: $after, sortKey: ID, reverse: true) {\n      nodes { ...RitournelleDraftOrderFields }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": {return: RitournelleRecentDraftOrdersQuery, variables: RitournelleRecentDraftOrdersQueryVariables},
  "#graphql\n  query RitournellePaymentTermsTemplates {\n    paymentTermsTemplates { id name paymentTermsType dueInDays }\n  }\n": {return: RitournellePaymentTermsTemplatesQuery, variables: RitournellePaymentTermsTemplatesQueryVariables},
  "#graphql\n  query RitournelleOrdersPage($first: Int, $last: Int, $after: String, $before: String, $query: String) {\n    orders(first: $first, last: $last, after: $after, before: $before, query: $query, sortKey: CREATED_AT, reverse: true) {\n      nodes {\n        id\n        name\n        createdAt\n        displayFinancialStatus\n        customer {\n          displayName\n        }\n        totalPriceSet {\n          presentmentMoney {\n            amount\n            currencyCode\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n": {return: RitournelleOrdersPageQuery, variables: RitournelleOrdersPageQueryVariables},
  "#graphql\n  fragment RitournelleMoneyBag on MoneyBag {\n    shopMoney {\n      amount\n      currencyCode\n    }\n    presentmentMoney {\n      amount\n      currencyCode\n    }\n  }\n\n  fragment RitournelleTaxLine on TaxLine {\n    title\n    rate\n    ratePercentage\n    priceSet {\n      ...RitournelleMoneyBag\n    }\n  }\n\n  query RitournelleOrderForTemplate($id: ID!, $lines: Int!) {\n    order(id: $id) {\n      id\n      name\n      createdAt\n      currencyCode\n      presentmentCurrencyCode\n      taxesIncluded\n      email\n      customerLocale\n      customer {\n        id\n        displayName\n        locale\n        defaultEmailAddress {\n          emailAddress\n        }\n      }\n      purchasingEntity {\n        __typename\n        ... on PurchasingCompany {\n          company {\n            id\n            name\n          }\n          contact {\n            id\n          }\n          location {\n            id\n            name\n            buyerExperienceConfiguration {\n              paymentTermsTemplate {\n                paymentTermsType\n                dueInDays\n              }\n            }\n          }\n        }\n      }\n      billingAddress {\n        name\n        company\n        address1\n        address2\n        city\n        provinceCode\n        zip\n        countryCodeV2\n      }\n      lineItems(first: $lines) {\n        nodes {\n          id\n          title\n          variantTitle\n          sku\n          quantity\n          variant {\n            id\n          }\n          originalUnitPriceSet {\n            ...RitournelleMoneyBag\n          }\n          taxLines {\n            ...RitournelleTaxLine\n          }\n          discountAllocations {\n            allocatedAmountSet {\n              ...RitournelleMoneyBag\n            }\n          }\n        }\n        pageInfo {\n          hasNextPage\n        }\n      }\n      shippingLines(first: 10) {\n        nodes {\n          title\n          originalPriceSet {\n            ...RitournelleMoneyBag\n          }\n          discountedPriceSet {\n            ...RitournelleMoneyBag\n          }\n          taxLines {\n            ...RitournelleTaxLine\n          }\n        }\n      }\n      totalPriceSet {\n        ...RitournelleMoneyBag\n      }\n    }\n  }\n": {return: RitournelleOrderForTemplateQuery, variables: RitournelleOrderForTemplateQueryVariables},
  "#graphql\n  query RitournelleOrdersByTag($query: String!) {\n    orders(first: 1, query: $query) {\n      nodes {\n        id\n        name\n      }\n    }\n  }\n": {return: RitournelleOrdersByTagQuery, variables: RitournelleOrdersByTagQueryVariables},
  "#graphql\n  query ShopDetails {\n    shop {\n      name\n      myshopifyDomain\n      ianaTimezone\n      currencyCode\n    }\n  }\n": {return: ShopDetailsQuery, variables: ShopDetailsQueryVariables},
  "#graphql\n  query RitournelleExistingVariants($ids: [ID!]!) {\n    nodes(ids: $ids) {\n      ... on ProductVariant {\n        id\n      }\n    }\n  }\n": {return: RitournelleExistingVariantsQuery, variables: RitournelleExistingVariantsQueryVariables},
}

interface GeneratedMutationTypes {
  "#graphql\n  mutation RitournelleDraftOrderSignatureStamp($metafields: [MetafieldsSetInput!]!) {\n    metafieldsSet(metafields: $metafields) {\n      metafields { key value }\n      userErrors { field message }\n    }\n  }\n": {return: RitournelleDraftOrderSignatureStampMutation, variables: RitournelleDraftOrderSignatureStampMutationVariables},
  "#graphql\n  #graphql\n  fragment RitournelleDraftOrderFields on DraftOrder {\n    id name status invoiceUrl invoiceSentAt createdAt tags\n    metafield(namespace: \"ritournelle\", key: \"run_id\") { value }\n    totalPriceSet { shopMoney { amount currencyCode } }\n    order { id name displayFinancialStatus cancelledAt }\n  }\n\n  mutation RitournelleDraftOrderCreate($input: DraftOrderInput!) {\n    draftOrderCreate(input: $input) {\n      draftOrder { ...RitournelleDraftOrderFields }\n      userErrors { field message }\n    }\n  }\n": {return: RitournelleDraftOrderCreateMutation, variables: RitournelleDraftOrderCreateMutationVariables},
  "#graphql\n  #graphql\n  fragment RitournelleDraftOrderFields on DraftOrder {\n    id name status invoiceUrl invoiceSentAt createdAt tags\n    metafield(namespace: \"ritournelle\", key: \"run_id\") { value }\n    totalPriceSet { shopMoney { amount currencyCode } }\n    order { id name displayFinancialStatus cancelledAt }\n  }\n\n  mutation RitournelleDraftOrderInvoiceSend($id: ID!, $email: EmailInput) {\n    draftOrderInvoiceSend(id: $id, email: $email) {\n      draftOrder { ...RitournelleDraftOrderFields }\n      userErrors { field message }\n    }\n  }\n": {return: RitournelleDraftOrderInvoiceSendMutation, variables: RitournelleDraftOrderInvoiceSendMutationVariables},
  "#graphql\n  mutation RitournelleDraftOrderDelete($id: ID!) {\n    draftOrderDelete(input: { id: $id }) {\n      deletedId\n      userErrors { field message }\n    }\n  }\n": {return: RitournelleDraftOrderDeleteMutation, variables: RitournelleDraftOrderDeleteMutationVariables},
  "#graphql\n  mutation RitournelleDraftOrderCalculate($input: DraftOrderInput!) {\n    draftOrderCalculate(input: $input) {\n      calculatedDraftOrder {\n        totalPriceSet { shopMoney { amount currencyCode } }\n        totalTaxSet { shopMoney { amount } }\n        taxesIncluded\n      }\n      userErrors { field message }\n    }\n  }\n": {return: RitournelleDraftOrderCalculateMutation, variables: RitournelleDraftOrderCalculateMutationVariables},
  "#graphql\n  mutation RitournelleOrderCreate($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {\n    orderCreate(order: $order, options: $options) {\n      order {\n        id\n        name\n      }\n      userErrors {\n        field\n        message\n        code\n      }\n    }\n  }\n": {return: RitournelleOrderCreateMutation, variables: RitournelleOrderCreateMutationVariables},
}
declare module '@shopify/admin-api-client' {
  type InputMaybe<T> = AdminTypes.InputMaybe<T>;
  interface AdminQueries extends GeneratedQueryTypes {}
  interface AdminMutations extends GeneratedMutationTypes {}
}
